import Evaluation
import Benchmark
import Foundation
import TensorCore
import Trainer

/// The performance suite of the reference workloads: one training step of every method ×
/// backbone at batch 256 (wall clock, images/s, heap allocations per step after warm-up),
/// the step's phases, the kNN evaluation at full Fashion-MNIST size, and this machine's
/// sgemm peak measured in the same run, so that a step's GFLOPS read as a share of it.
let benchmarks: @Sendable () -> Void = {
    configureBLASThreads()
    print("BLAS: \(BLAS.library) \(BLAS.coreName), \(BLAS.threadCount) threads; data: \(BenchmarkData.name)")

    let stepMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    for backbone in Backbone.allCases {
        for method in MethodKind.allCases {
            let slow = backbone == .convnet
            Benchmark("step \(method.rawValue) \(backbone.rawValue)",
                      configuration: .init(metrics: stepMetrics, timeUnits: .milliseconds, warmupIterations: 2,
                                           scalingFactor: .one, maxDuration: .seconds(slow ? 20 : 10),
                                           maxIterations: slow ? 20 : 60)) { (benchmark: Benchmark, harness: StepHarness) in
                for _ in benchmark.scaledIterations { harness.step() }
            } setup: {
                StepHarness(method: method, backbone: backbone, batch: 256, data: BenchmarkData.data)
            }
        }
        // The same step on colour images (colour-100, 32×32×3, the colour recipe): still no
        // heap allocation per step after warm-up.
        for method in MethodKind.allCases {
            Benchmark("step \(method.rawValue) \(backbone.rawValue) colour-100",
                      configuration: .init(metrics: stepMetrics, timeUnits: .milliseconds, warmupIterations: 2,
                                           scalingFactor: .one, maxDuration: .seconds(10),
                                           maxIterations: backbone == .convnet ? 10 : 30)) { (benchmark: Benchmark, harness: StepHarness) in
                for _ in benchmark.scaledIterations { harness.step() }
            } setup: {
                StepHarness(method: method, backbone: backbone, batch: 256, data: BenchmarkData.colour)
            }
        }
        // The phases of the BYOL step (the other methods differ only in the middle one).
        let phases: [(String, (StepHarness) -> Void)] = [
            ("augmentation", { $0.augment() }),
            ("forward+loss+backward", { $0.gradients() }),
            ("update (SGD, EMA)", { $0.update() }),
        ]
        for (index, (name, phase)) in phases.enumerated() {
            Benchmark("phase \(name) byol \(backbone.rawValue)",
                      configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .milliseconds,
                                           warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(10),
                                           maxIterations: backbone == .convnet ? 15 : 40)) { (benchmark: Benchmark, harness: StepHarness) in
                // One step per sample, only this phase measured.
                for earlier in phases[..<index] { earlier.1(harness) }
                benchmark.startMeasurement()
                phase(harness)
                benchmark.stopMeasurement()
                for later in phases[(index + 1)...] { later.1(harness) }
            } setup: {
                let harness = StepHarness(method: .byol, backbone: backbone, batch: 256, data: BenchmarkData.data)
                for _ in 0..<2 { harness.step() }
                return harness
            }
        }
    }

    Benchmark("knn fmnist-size 60000x10000x512",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .milliseconds, warmupIterations: 1,
                                   scalingFactor: .one, maxDuration: .seconds(20), maxIterations: 5)) { benchmark, rows in
        for _ in benchmark.scaledIterations {
            blackHole(KNNClassifier().predict(train: rows.train, trainLabels: rows.trainLabels, test: rows.test,
                                              dimension: 512, classCount: 10))
        }
    } setup: {
        KNNRows.make()
    }

    // This machine's sgemm peak in the same run: a large square product (2·n³ flops).
    let n = 4096
    Benchmark("sgemm \(n)x\(n)x\(n) (GFLOPS = \(2 * n * n * n / 1_000_000_000) / seconds)",
              configuration: .init(metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 1,
                                   scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 10)) { benchmark, buffers in
        for _ in benchmark.scaledIterations { buffers.multiply() }
    } setup: {
        SquareProduct(n: n)
    }
}

/// OpenBLAS's threads: one per core, as the workbench sets them.
func configureBLASThreads() {
    BLAS.setThreadCount(ProcessInfo.processInfo.activeProcessorCount)
}

/// Fashion-MNIST when installed (as the reference workloads say), else the synthetic set.
enum BenchmarkData {
    static let data: Dataset = {
        if let fmnist = try? DataCatalog.load("fmnist-20k") { return fmnist }
        do { return try DataCatalog.load("synthetic") } catch { fatalError("the built-in synthetic set failed: \(error)") }
    }()
    static var name: String { data.name }
    /// The generated 100-class colour set.
    static let colour = SyntheticColours.dataset(classes: 100)
}

/// Representations of the kNN benchmark: the mlp backbone's, at initialisation, of full
/// Fashion-MNIST when installed; rectified Gaussian noise of the same size otherwise.
struct KNNRows {
    let train: [Float], trainLabels: [Int], test: [Float]

    static func make() -> KNNRows {
        var rng = RandomGenerator(seed: 1)
        if let data = try? DataCatalog.load("fmnist") {
            let backbone = Architectures.backbone(.mlp, imageSide: data.side, rng: &rng)
            let evaluator = Evaluator(data: data, augmenter: Augmenter(backbone: .mlp, data: data))
            let input = Tensor(shape: [0, 0])
            return KNNRows(train: evaluator.representations(of: backbone, set: data.train, input: input),
                           trainLabels: data.train.labels,
                           test: evaluator.representations(of: backbone, set: data.test, input: input))
        }
        return KNNRows(train: (0..<(60_000 * 512)).map { _ in max(0, rng.normal()) }, trainLabels: (0..<60_000).map { $0 % 10 },
                       test: (0..<(10_000 * 512)).map { _ in max(0, rng.normal()) })
    }
}
