import Testing
@testable import Analysis

@Suite struct AnalysisPlaceholderTests {
    @Test func moduleIsLinked() { #expect(AnalysisModule.version == 1) }
}
