import Evaluation
import ArgumentParser
import Foundation
import TensorCore
import Trainer

/// `workbench bench-knn`: times the kNN evaluation at the size of full Fashion-MNIST, with the
/// int8 screen and with the float product alone, and checks that both predict the same.
struct BenchKNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-knn",
        abstract: "Time the kNN evaluation (default: fmnist's 60,000 × 10,000 representations of the mlp backbone).")

    enum Features: String, ExpressibleByArgument, CaseIterable {
        /// Fashion-MNIST through the mlp backbone at random initialisation (what epoch 0 evaluates).
        case fmnist
        /// Rectified Gaussian noise (no data needed; similarities crowd together, the hard case for the screen).
        case random
    }

    @Option(help: "Representations: fmnist (the mlp backbone's, 512-d) or random (ReLU'd Gaussian noise).")
    var features: Features = .fmnist
    @Option(name: .customLong("run"), help: ArgumentHelp("A run folder: classify its data set with the representations of its latest checkpoint (instead of --features).",
                               valueName: "RUN_DIR"))
    var runFolder: String?
    @Option(help: "Training rows (random features only).") var train = 60_000
    @Option(help: "Test rows (random features only).") var test = 10_000
    @Option(help: "Representation width (random features only).") var dimension = 512
    @Option(help: "Timed repetitions of each path (the median is reported).") var repeats = 3

    func validate() throws {
        guard train >= 1, test >= 1, dimension >= 1, repeats >= 1 else {
            throw ValidationError("--train, --test, --dimension and --repeats must be positive")
        }
    }

    func run() throws {
        try configureThreads()
        let set = try representations()
        let flops = 2 * Double(set.trainLabels.count) * Double(set.testLabels.count) * Double(set.dimension)
        print(String(format: "kNN on %@: %d train × %d test, %d-d, k = 200 (similarities %.0f GFLOP), %d %@ threads (%@), int8 screen %@",
                     set.name, set.trainLabels.count, set.testLabels.count, set.dimension, flops / 1e9,
                     BLAS.threadCount, BLAS.library, BLAS.coreName, KNNClassifier().screensHere ? "available" : "not available on this CPU"))
        var results: [(name: String, predictions: [Int])] = []
        for screening in [true, false] where screening == false || KNNClassifier().screensHere {
            let knn = KNNClassifier(screening: screening)
            var times: [Double] = [], outcome: (predictions: [Int], candidatesPerRow: Double?) = ([], nil)
            for _ in 0..<repeats {
                let started = DispatchTime.now().uptimeNanoseconds
                outcome = knn.predictReporting(train: set.train, trainLabels: set.trainLabels, test: set.test,
                                               dimension: set.dimension, classCount: 10)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            }
            let median = times.sorted()[times.count / 2]
            let correct = zip(outcome.predictions, set.testLabels).filter { $0 == $1 }.count
            let name = screening ? "int8 screen + float rescoring" : "float product (sgemm)"
            var line = String(format: "%@: median %.2f s over %d runs (%@ s), accuracy %.2f %%", name, median, repeats,
                              times.map { String(format: "%.2f", $0) }.joined(separator: ", "),
                              100 * Double(correct) / Double(max(1, set.testLabels.count)))
            if let candidates = outcome.candidatesPerRow { line += String(format: ", %.0f candidates rescored per test row", candidates) }
            print(line)
            results.append((name, outcome.predictions))
        }
        if results.count == 2 {
            let differing = zip(results[0].predictions, results[1].predictions).filter { $0 != $1 }.count
            print("predictions that differ between the two paths: \(differing) of \(set.testLabels.count)")
        }
    }

    /// The rows to classify, with their labels.
    private func representations() throws -> (name: String, train: [Float], trainLabels: [Int], test: [Float], testLabels: [Int], dimension: Int) {
        if let run = runFolder {
            let (trained, data) = try openTrainedRun(run)
            let rows = trained.representations()
            let epoch = trained.nextEpoch - 1
            return ("\(data.name), \(trained.config.name) at epoch \(epoch)", rows.train, data.train.labels, rows.test, data.test.labels, rows.dimension)
        }
        switch features {
        case .random:
            var rng = RandomGenerator(seed: 1)
            let trainRows = (0..<(train * dimension)).map { _ in max(0, rng.normal()) }
            let testRows = (0..<(test * dimension)).map { _ in max(0, rng.normal()) }
            return ("random ReLU features", trainRows, (0..<train).map { $0 % 10 }, testRows, (0..<test).map { $0 % 10 }, dimension)
        case .fmnist:
            let data: Dataset
            do { data = try DataCatalog.load("fmnist") } catch { throw ValidationError("\(error) (or pass --features random)") }
            var rng = RandomGenerator(seed: 1)
            let backbone = Architectures.backbone(.mlp, imageSide: data.side, rng: &rng)
            let augmenter = Augmenter(backbone: .mlp, data: data)
            let evaluator = Evaluator(data: data, augmenter: augmenter)
            let input = Tensor(shape: [0, 0])
            let trainRows = evaluator.representations(of: backbone, set: data.train, input: input)
            let testRows = evaluator.representations(of: backbone, set: data.test, input: input)
            return ("fmnist, mlp backbone at initialisation", trainRows, data.train.labels, testRows, data.test.labels,
                    Backbone.mlp.representationSize)
        }
    }
}
