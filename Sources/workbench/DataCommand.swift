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
            let augmenter = Augmenter(recipe: .mlp, side: data.side, mean: data.mean, std: data.std)
            let accuracy = Evaluator(data: data, augmenter: augmenter).pixelAccuracies()
            print(String(format: "pixel kNN:    %.2f %% (k = 200, cosine, exp(sim/0.1) votes)", accuracy.knn))
            print(String(format: "pixel linear: %.2f %% (logistic regression, L-BFGS)", accuracy.linear))
        }
    }

    static func describe(_ data: Dataset) -> String {
        var perClass = [Int](repeating: 0, count: data.classCount)
        for l in data.train.labels where l < perClass.count { perClass[l] += 1 }
        return """
        data set:     \(data.name)
        images:       \(data.train.count) train, \(data.test.count) test, \(data.side)×\(data.side) grey
        classes:      \(data.classCount) (\(data.classNames.joined(separator: ", ")))
        per class:    \(perClass.map(String.init).joined(separator: " ")) (train)
        normalise:    mean \(String(format: "%.4f", data.mean)), std \(String(format: "%.4f", data.std))
        checksum:     \(data.checksum)
        """
    }
}
