import Foundation
import Synchronization
import TensorCore
import Vocabulary

/// Times the real training step of a method on the reference workloads, split into its
/// phases: the two augmented views, the method's forward/loss/backward, and the update
/// (SGD, then the method's momentum network or queue).
public struct StepBenchmark {
    /// Median milliseconds per phase over the timed steps.
    public struct Result: Sendable {
        public var augmentation = 0.0, gradients = 0.0, update = 0.0
        public var total: Double { augmentation + gradients + update }
        public var imagesPerSecond = 0.0
        /// Floating-point operations of the step's matrix products (BLAS.productFlops).
        public var productFlops = 0.0
        /// The products' work over the median step's time, in GFLOPS.
        public var gigaflops: Double { total > 0 ? productFlops / (total / 1000) / 1e9 : 0 }
        /// The machine's square-sgemm GFLOPS, median of the products timed between the
        /// rounds of steps; nil unless a peak was asked for.
        public var peakGigaflops: Double?
        /// The step's GFLOPS as a share of the peak: the median over rounds of a round's
        /// median step against the square product timed right after it, so that a slow
        /// spell of a shared machine weighs on both sides of the ratio alike.
        public var shareOfPeak: Double?
        /// How many rounds `shareOfPeak` is the median of.
        public var rounds = 0
    }

    public let method: MethodKind
    public let backbone: Backbone
    public let batch: Int

    public init(method: MethodKind = .byol, backbone: Backbone, batch: Int) {
        self.method = method
        self.backbone = backbone
        self.batch = batch
    }

    /// Runs `warmup` untimed steps then `steps` timed ones on `data`. With a `peak`
    /// product, the timed steps are split into `rounds` and the product is timed once
    /// after each round.
    public func run(on data: Dataset, steps: Int, warmup: Int = 2,
                    peak: SquareProduct? = nil, rounds: Int = 5) -> Result {
        let harness = StepHarness(method: method, backbone: backbone, batch: batch, data: data)
        let roundCount = peak == nil ? 1 : max(1, min(rounds, steps))
        var phases: [[Double]] = [[], [], []]
        var totals: [Double] = []
        var roundShares: [Double] = [], roundPeaks: [Double] = []
        var productFlops = 0
        func step(timed: Bool) {
            var t = DispatchTime.now().uptimeNanoseconds
            let start = t
            func lap(_ phase: Int) {
                let now = DispatchTime.now().uptimeNanoseconds
                if timed { phases[phase].append(Double(now - t) / 1e6) }
                t = now
            }
            harness.augment()
            lap(0)
            harness.gradients()
            lap(1)
            harness.update()
            lap(2)
            if timed { totals.append(Double(t - start) / 1e6) }
        }
        for _ in 0..<warmup { step(timed: false) }
        peak?.multiply()
        for round in 0..<roundCount {
            let count = steps / roundCount + (round < steps % roundCount ? 1 : 0)
            let flopsBefore = BLAS.productFlops.load(ordering: .relaxed)
            let first = totals.count
            for _ in 0..<count { step(timed: true) }
            let roundFlops = BLAS.productFlops.load(ordering: .relaxed) - flopsBefore
            productFlops += roundFlops
            if let peak, count > 0 {
                let stepGigaflops = Double(roundFlops) / Double(count) / (Self.median(Array(totals[first...])) / 1000) / 1e9
                let peakGigaflops = peak.timedGigaflops()
                roundPeaks.append(peakGigaflops)
                roundShares.append(stepGigaflops / peakGigaflops)
            }
        }
        var result = Result()
        result.augmentation = Self.median(phases[0])
        result.gradients = Self.median(phases[1])
        result.update = Self.median(phases[2])
        result.imagesPerSecond = result.total > 0 ? Double(harness.batch) / (result.total / 1000) : 0
        result.productFlops = steps > 0 ? Double(productFlops) / Double(steps) : 0
        if peak != nil {
            result.peakGigaflops = Self.median(roundPeaks)
            result.shareOfPeak = Self.median(roundShares)
            result.rounds = roundShares.count
        }
        return result
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
