import ArgumentParser
import Foundation
import Trainer
import Vocabulary

/// Options shared by `train`, `compare` and `sweep`.
struct TrainingOptions: ParsableArguments {
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "mlp or convnet.") var backbone: Backbone = .mlp
    @Option(parsing: .unconditional, help: "Epochs to train (default: the reference budget: 20 for mlp, 10 for convnet, 50 on fmnist).")
    var epochs: Int?
    @Option(parsing: .unconditional, help: "Images per step (two views each).") var batch = 256
    @Option(parsing: .unconditional, help: "Base learning rate (default 0.06 × batch / 256).") var lr: Float?
    @Option(parsing: .unconditional, help: "Seed of weights, shuffling and augmentation.") var seed: UInt64 = 0
    @Option(name: .customLong("train-size"), parsing: .unconditional, help: "Use only the first N training images.") var trainSize: Int?
    @Option(help: "Comma-separated seeds: every run once per seed; figures draw the mean with a min–max band (overrides --seed).")
    var seeds: String?
    @Flag(help: "No progress output.") var quiet = false
    @Option(name: .customLong("probe-every"), parsing: .unconditional,
            help: ArgumentHelp("Fit the linear probe every N epochs only (always at initialisation and the last epoch); kNN and the diagnostics still run every epoch. (default: 1)", valueName: "N"))
    var probeEvery: Int?
    @Flag(name: .customLong("check-probe"), help: "After every probed epoch, fit the probe again from zero by plain L-BFGS to 1e-5 and write both accuracies to the run's probe-check.csv (slow; checks the solver).")
    var checkProbe = false

    @Option(parsing: .unconditional, help: "Truncated triplet: deputies averaged after the skipped negatives.") var deputies = 9
    @Option(parsing: .unconditional, help: "Truncated triplet: weight of the positive distance.") var gamma: Float = 2
    @Option(parsing: .unconditional, help: "Truncated triplet: hinge margin.") var margin: Float = 100
    @Option(help: "Truncated triplet negative: truncated (skip/deputies) or median.") var negative: NegativeChoice = .truncated
    @Option(parsing: .unconditional, help: "Temperature of simclr (default 0.5) or moco (default 0.2).") var temperature: Float?
    @Option(parsing: .unconditional, help: "MoCo queue length.") var queue = 4096
    @Option(name: .customLong("target-momentum"), parsing: .unconditional, help: "byol, triplet, moco: base momentum of the target / key network.")
    var targetMomentum: Float = 0.99
    @Flag(name: .customLong("fixed-momentum"), help: "byol, triplet: keep the target momentum at its base instead of raising it to 1.")
    var fixedMomentum = false
    @Flag(name: .customLong("no-predictor"), help: "byol, triplet: train without the predictor (with --target-momentum 0 --fixed-momentum: collapse).")
    var noPredictor = false

    enum NegativeChoice: String, ExpressibleByArgument, CaseIterable { case truncated, median }

    func validate() throws {
        if let epochs, epochs <= 0 { throw ValidationError("--epochs must be positive, got \(epochs)") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be positive and finite, got \(lr)") }
        if batch < 2 { throw ValidationError("--batch must be at least 2, got \(batch)") }
        if let probeEvery, probeEvery < 1 { throw ValidationError("--probe-every must be at least 1, got \(probeEvery)") }
        if let trainSize, trainSize < 2 { throw ValidationError("--train-size must be at least 2, got \(trainSize)") }
        if !(gamma > 0 && gamma.isFinite) { throw ValidationError("--gamma must be positive, got \(gamma)") }
        if !(margin > 0 && margin.isFinite) { throw ValidationError("--margin must be positive, got \(margin)") }
        _ = try seedList()
    }

    /// The config of a run of `method` with these options.
    func config(_ method: MethodKind, skip: Int) -> RunConfig {
        var c = RunConfig(method: method, backbone: backbone, data: dataOptions.dataName, trainLimit: trainSize,
                          epochs: epochs, batch: batch, learningRate: lr, seed: seed)
        c.settings.skip = skip
        c.settings.deputies = deputies
        c.settings.gamma = gamma
        c.settings.margin = margin
        c.settings.medianNegative = negative == .median
        c.settings.queueSize = queue
        c.settings.targetMomentum = targetMomentum
        c.settings.fixedMomentum = fixedMomentum
        c.settings.predictor = !noPredictor
        c.probeEvery = probeEvery.flatMap { $0 > 1 ? $0 : nil }
        if let temperature {
            if method == .simclr { c.settings.simclrTemperature = temperature }
            if method == .moco { c.settings.mocoTemperature = temperature }
        }
        return c
    }


    /// The seeds of `--seeds`, or nil when only `--seed` was given.
    func seedList() throws -> [UInt64]? {
        guard let seeds else { return nil }
        let list: [UInt64]
        do { list = try Launch.parseList(seeds, flag: "--seeds") { UInt64($0) } } catch {
            throw ValidationError("\(error) (seeds are whole numbers ≥ 0, separated by commas: --seeds 0,1,2)")
        }
        guard Set(list).count == list.count else { throw ValidationError("--seeds lists a seed twice") }
        guard list.count <= ExperimentFile.maximumRuns else {
            throw ValidationError("--seeds lists \(list.count) seeds; an experiment holds at most \(ExperimentFile.maximumRuns) runs")
        }
        return list
    }

    /// Every config once per seed of `--seeds` (unchanged without it).
    func expandingSeeds(_ configs: [RunConfig]) throws -> [RunConfig] {
        guard let seeds = try seedList() else { return configs }
        return seeds.flatMap { seed in configs.map { c in var c = c; c.seed = seed; return c } }
    }

    /// An experiment file's configs with the flags that were given explicitly on top.
    func overriding(_ configs: [RunConfig]) -> [RunConfig] {
        configs.map { original in
            var c = original
            if dataOptions.data != nil || dataOptions.side != nil || dataOptions.grey { c.data = dataOptions.dataName }
            if let epochs { c.epochs = epochs }
            if let lr { c.learningRate = lr }
            if let trainSize { c.trainLimit = trainSize }
            if let probeEvery { c.probeEvery = probeEvery > 1 ? probeEvery : nil }
            return c
        }
    }
}

extension MethodKind: ExpressibleByArgument {}
