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

/// This machine's sgemm rate on a large square product (2·n³ operations per call), the
/// reference a step's GFLOPS are read against: the median of `repeats` calls after one
/// warm-up, in GFLOPS.
public func squareProductGigaflops(n: Int = 4096, repeats: Int = 3) -> Double {
    let a = Tensor(shape: [n, n]), b = Tensor(shape: [n, n]), c = Tensor(shape: [n, n])
    a.fill(0.5)
    b.fill(0.25)
    var seconds: [Double] = []
    for call in 0...max(repeats, 1) {
        let start = DispatchTime.now().uptimeNanoseconds
        BLAS.gemm(m: n, n: n, k: n, a: a.data, b: b.data, c: c.data)
        if call > 0 { seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
    }
    let median = seconds.sorted()[seconds.count / 2]
    return 2 * Double(n) * Double(n) * Double(n) / median / 1e9
}
