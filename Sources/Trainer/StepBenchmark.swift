import Foundation
import Synchronization
import TensorCore

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
    }

    public let method: MethodKind
    public let backbone: Backbone
    public let batch: Int

    public init(method: MethodKind = .byol, backbone: Backbone, batch: Int) {
        self.method = method
        self.backbone = backbone
        self.batch = batch
    }

    /// Runs `warmup` untimed steps then `steps` timed ones on `data`.
    public func run(on data: Dataset, steps: Int, warmup: Int = 2) -> Result {
        let harness = StepHarness(method: method, backbone: backbone, batch: batch, data: data)
        var phases: [[Double]] = [[], [], []]
        var flopsBefore = 0
        for step in 0..<(warmup + steps) {
            if step == warmup { flopsBefore = BLAS.productFlops.load(ordering: .relaxed) }
            var t = DispatchTime.now().uptimeNanoseconds
            func lap(_ phase: Int) {
                let now = DispatchTime.now().uptimeNanoseconds
                if step >= warmup { phases[phase].append(Double(now - t) / 1e6) }
                t = now
            }
            harness.augment()
            lap(0)
            harness.gradients()
            lap(1)
            harness.update()
            lap(2)
        }
        let flops = BLAS.productFlops.load(ordering: .relaxed) - flopsBefore
        let n = harness.batch
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
        var result = Result()
        result.augmentation = median(phases[0])
        result.gradients = median(phases[1])
        result.update = median(phases[2])
        result.imagesPerSecond = result.total > 0 ? Double(n) / (result.total / 1000) : 0
        result.productFlops = steps > 0 ? Double(flops) / Double(steps) : 0
        return result
    }
}
