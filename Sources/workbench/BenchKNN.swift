import Analysis
import ArgumentParser
import Foundation
import TensorCore

/// `workbench bench-knn`: times the kNN evaluation at the size of full Fashion-MNIST.
struct BenchKNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-knn",
        abstract: "Time the kNN evaluation (default: fmnist's 60,000 × 10,000 with 512-d representations).")

    @Option(help: "Training rows.") var train = 60_000
    @Option(help: "Test rows.") var test = 10_000
    @Option(help: "Representation width.") var dimension = 512
    @Option(help: "Timed repetitions (the median is reported).") var repeats = 3

    func validate() throws {
        guard train >= 1, test >= 1, dimension >= 1, repeats >= 1 else {
            throw ValidationError("--train, --test, --dimension and --repeats must be positive")
        }
    }

    func run() throws {
        configureBLAS()
        var rng = RandomGenerator(seed: 1)
        let trainRows = (0..<(train * dimension)).map { _ in max(0, rng.normal()) }  // ReLU-like features
        let testRows = (0..<(test * dimension)).map { _ in max(0, rng.normal()) }
        let labels = (0..<train).map { $0 % 10 }, testLabels = (0..<test).map { $0 % 10 }
        let knn = KNNClassifier()
        var times: [Double] = []
        for _ in 0..<repeats {
            let started = DispatchTime.now().uptimeNanoseconds
            _ = knn.accuracy(train: trainRows, trainLabels: labels, test: testRows, testLabels: testLabels,
                             dimension: dimension, classCount: 10)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        let median = times.sorted()[times.count / 2]
        let flops = 2 * Double(train) * Double(test) * Double(dimension)
        print(String(format: "kNN %d × %d, %d-d, k = 200: median %.2f s over %d runs (similarities %.0f GFLOP, %.0f GFLOPS overall), %d BLAS threads (%@)",
                     train, test, dimension, median, repeats, flops / 1e9, flops / 1e9 / median, BLAS.threadCount, BLAS.coreName))
    }
}
