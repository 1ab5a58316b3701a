import CKernels
import Testing
import TensorCore

/// The fused parameter updates in C against their formulas, on a length that is split over
/// threads and leaves vector tails, with the same bits on one and two threads.
@Suite struct OptimizerKernelTests {
    static let count = 200_003

    static func values(seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return (0..<count).map { _ in rng.normal() }
    }

    @Test func sgdWithMomentumFollowsItsFormula() {
        let w0 = Self.values(seed: 1), g = Self.values(seed: 2), v0 = Self.values(seed: 3)
        let (momentum, decay, rate): (Float, Float, Float) = (0.9, 5e-4, 0.06)
        var results: [[Float]] = []
        for threads in [1, 2] {
            BLAS.setThreadCount(threads)
            defer { BLAS.setThreadCount(1) }  // what the other tests in this process expect
            var w = w0, v = v0
            wb_sgd_momentum(&w, g, &v, Int64(Self.count), momentum, decay, rate)
            results.append(w + v)
        }
        let sameBits = results[0] == results[1]
        #expect(sameBits, "one and two threads differ")
        var worst: Double = 0
        for i in 0..<Self.count {
            let velocity = Double(momentum) * Double(v0[i]) + Double(g[i]) + Double(decay) * Double(w0[i])
            let weight = Double(w0[i]) - Double(rate) * velocity
            worst = max(worst, abs(Double(results[0][Self.count + i]) - velocity), abs(Double(results[0][i]) - weight))
        }
        #expect(worst < 1e-5, "largest error \(worst)")
    }

    @Test func movingAverageFollowsItsFormula() {
        let t0 = Self.values(seed: 4), o = Self.values(seed: 5)
        var results: [[Float]] = []
        for threads in [1, 2] {
            BLAS.setThreadCount(threads)
            defer { BLAS.setThreadCount(1) }
            var t = t0
            wb_moving_average(&t, o, Int64(Self.count), 0.99)
            results.append(t)
        }
        let sameBits = results[0] == results[1]
        #expect(sameBits, "one and two threads differ")
        let worst = (0..<Self.count).map { abs(Double(results[0][$0]) - (0.99 * Double(t0[$0]) + 0.01 * Double(o[$0]))) }.max() ?? 0
        #expect(worst < 1e-6, "largest error \(worst)")
    }
}
