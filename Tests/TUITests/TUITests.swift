import Testing
@testable import TUI

@Suite struct TUIPlaceholderTests {
    @Test func moduleIsLinked() { #expect(TUIModule.version == 1) }
}
