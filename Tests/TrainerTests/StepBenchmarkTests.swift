import Testing
import TensorCore
@testable import Trainer

@Suite struct StepBenchmarkTests {
    /// `bench-step --peak` times a square product after each round of steps; every round
    /// gives one reading. (That the product's work stays out of the step's count is checked
    /// on the binary, in its own process: the counter is global and tests run side by side.)
    @Test func peakIsTimedOncePerRound() {
        let data = SyntheticShapes.dataset(trainCount: 64, testCount: 8)
        let bench = StepBenchmark(method: .byol, backbone: .mlp, batch: 16)
        let plain = bench.run(on: data, steps: 4, warmup: 1)
        let withPeak = bench.run(on: data, steps: 4, warmup: 1, peak: SquareProduct(n: 96), rounds: 3)
        #expect(plain.peakGigaflops == nil && plain.shareOfPeak == nil)
        #expect(withPeak.productFlops > 0 && plain.productFlops > 0)
        #expect(withPeak.rounds == 3)
        #expect((withPeak.peakGigaflops ?? 0) > 0)
        #expect((withPeak.shareOfPeak ?? 0) > 0)
        // More rounds than steps: one round per step.
        #expect(bench.run(on: data, steps: 2, warmup: 0, peak: SquareProduct(n: 96), rounds: 9).rounds == 2)
    }
}
