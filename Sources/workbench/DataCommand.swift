import ArgumentParser
import Foundation
import Trainer

/// `workbench data`: loads a data set, validates it, and describes it.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Load a data set, check it, and describe it.")

    @OptionGroup var dataOptions: DataOptions
    @Flag(help: "Also measure the kNN accuracy of the raw normalised pixels (the baseline to beat).")
    var baseline = false

    func run() throws {
        let started = Date()
        let data = try dataOptions.load()
        let seconds = Date().timeIntervalSince(started)
        print(Self.describe(data))
        print(String(format: "loaded in:    %.2f s", seconds))
        if baseline {
            try configureThreads()
            let augmenter = Augmenter(backbone: .mlp, data: data)
            let accuracy = Evaluator(data: data, augmenter: augmenter).pixelAccuracies()
            print(String(format: "pixel kNN:    %.2f %% (k = 200, cosine, exp(sim/0.1) votes)", accuracy.knn))
            print(String(format: "pixel linear: %.2f %% (logistic regression, L-BFGS)", accuracy.linear))
        }
    }

    static func describe(_ data: Dataset) -> String {
        var perClass = [Int](repeating: 0, count: data.classCount)
        for l in data.train.labels where l >= 0 && l < perClass.count { perClass[l] += 1 }
        let n = data.normalisation
        let numbers = { (values: [Float]) in values.map { String(format: "%.4f", $0) }.joined(separator: ", ") }
        let normalise = n.channels == 1 ? "mean \(numbers(n.mean)), std \(numbers(n.std))"
            : "mean (\(numbers(n.mean))), std (\(numbers(n.std))) per channel (R, G, B)"
        let unlabeled = data.unlabeledCount > 0 ? ", \(data.unlabeledCount) unlabeled" : ""
        let names = data.classNames.count <= 20 ? data.classNames.joined(separator: ", ")
            : data.classNames.prefix(8).joined(separator: ", ") + ", … (\(data.classCount - 8) more)"
        let perClassText = Set(perClass).count == 1 ? "\(perClass.first ?? 0) each"
            : perClass.count <= 20 ? perClass.map(String.init).joined(separator: " ")
            : "\(perClass.min() ?? 0) to \(perClass.max() ?? 0)"
        let bytes = data.train.storageBytes + data.test.storageBytes
            + (data.selfSupervisedSplits == .train ? 0 : data.selfSupervisedTrain.storageBytes)
        return """
        data set:     \(data.name)
        images:       \(data.train.count) train, \(data.test.count) test\(unlabeled), \(data.shape.description)
        classes:      \(data.classCount) (\(names))
        per class:    \(perClassText) (train)
        normalise:    \(normalise)
        trains on:    \(data.selfSupervisedSplits.rawValue) (self-supervised); kNN and probe: train as memory, test as queries
        in memory:    \(MemoryBudget.format(bytes)) of pixels
        checksum:     \(data.checksum)
        """
    }
}
