import ArgumentParser
import Foundation
import TensorCore
import Trainer
import Vocabulary

/// `workbench train`: one run.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train one method, writing OUT/<run>/metrics.csv, run.json and checkpoints.")

    @Option(help: "simclr, moco, byol, triplet or supervised.") var method: MethodKind?
    @Option(parsing: .unconditional, help: "Truncated triplet: ranked negatives skipped (the truncation threshold).") var skip = 1
    @Option(help: ArgumentHelp("Fork a triplet run from its latest checkpoint with other --skip, --deputies, --gamma (and --epochs); the fork goes beside its parent unless --out is given.",
                               valueName: "RUN_DIR[@EPOCH]"))
    var fork: String?
    @OptionGroup var options: TrainingOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if fork == nil && method == nil { throw ValidationError("Missing expected argument '--method <method>' (or --fork RUN_DIR)") }
        if fork != nil && method != nil { throw ValidationError("--fork takes the method of its parent; leave out --method") }
        if fork != nil && output.share { throw ValidationError("--share splits an experiment's runs between processes; a fork is one run") }
    }

    func run() throws {
        if let fork { return try runFork(fork) }
        guard let method else { return }
        try Launch.run(options.expandingSeeds([options.config(method, skip: skip)]), options: options, output: output)
    }

    /// `--fork RUN_DIR[@EPOCH]`: the parent's config with the new truncation settings.
    private func runFork(_ spec: String) throws {
        if let out = output.out, let problem = RunFolder.outputProblem(out) { throw CommandFailure.usage("--out: \(problem)") }
        var path = spec, epoch: Int?
        if let at = spec.lastIndex(of: "@") {
            guard let value = Int(spec[spec.index(after: at)...]), value >= 0 else {
                throw CommandFailure("--fork \(spec): the epoch after @ must be a whole number")
            }
            path = String(spec[..<at])
            epoch = value
        }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        let parent = RunFolder(path: path)
        guard parent.exists else { throw CommandFailure("\(path): holds no run (no run.json)") }
        let parentConfig: RunConfig
        parentConfig = try failing { try parent.readRecord().config }
        try configureThreads()
        StopSignal.install()
        let data: Dataset
        data = try failing { try parentConfig.loadData() }
        let out = output.out ?? (path as NSString).deletingLastPathComponent
        let run = try failing {
            try TrainingRun.fork(parent: parent, epoch: epoch, skip: skip, deputies: options.deputies, gamma: options.gamma,
                                 epochs: options.epochs, data: data, out: out.isEmpty ? "." : out, resume: output.resume)
        }
        try Launch.train([run], quiet: options.quiet, checkProbe: options.checkProbe)
    }
}

/// `workbench compare`: several methods side by side.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Train several methods side by side, epoch by epoch in turn.")

    @Option(help: "Comma-separated methods.") var methods = "simclr,moco,byol,triplet,supervised"
    @Option(parsing: .unconditional, help: "Truncated triplet: ranked negatives skipped.") var skip = 1
    @Option(help: "An experiment file (JSON, see examples/): it names the runs; --data, --epochs, --lr, --train-size and --out still override it.")
    var config: String?
    @OptionGroup var options: TrainingOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        if let config { return try Launch.run(experiment: config, options: options, output: output) }
        let kinds = try Launch.parseList(methods, flag: "--methods") { MethodKind(rawValue: $0) }
        try Launch.run(options.expandingSeeds(kinds.map { options.config($0, skip: skip) }), options: options, output: output)
    }
}

/// `workbench sweep`: the truncation ablation.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "The truncation ablation: one triplet run per value of --skip.")

    @Option(parsing: .unconditional, help: "Comma-separated truncation thresholds (default: the reference sweep).")
    var skip = MethodSettings.referenceSweepSkips.map(String.init).joined(separator: ",")
    @Option(help: "An experiment file (JSON, see examples/): it names the runs; --data, --epochs, --lr, --train-size and --out still override it.")
    var config: String?
    @OptionGroup var options: TrainingOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        if let config { return try Launch.run(experiment: config, options: options, output: output) }
        let values = try Launch.parseList(skip, flag: "--skip") { Int($0) }
        try Launch.run(options.expandingSeeds(values.map { options.config(.triplet, skip: $0) }), options: options, output: output)
    }
}

/// What the three training commands share: validation, data, the scheduler, the exit status.
enum Launch {
    static func parseList<T>(_ text: String, flag: String, _ parse: (String) -> T?) throws -> [T] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.contains(where: { !$0.isEmpty }) else { throw CommandFailure.usage("\(flag) is empty") }
        return try parts.map { part in
            guard let value = parse(part) else {
                throw CommandFailure.usage(part.isEmpty ? "\(flag): \"\(text)\" has an empty item" : "\(flag): '\(part)' is not valid")
            }
            return value
        }
    }

    /// Runs the experiment file at `path`, with the flags the user gave on top of it.
    static func run(experiment path: String, options: TrainingOptions, output: OutputOptions) throws {
        let experiment = try experimentConfigs(path, options: options)
        try run(experiment.configs, options: options, output: output, defaultOut: experiment.out, fromFile: true)
    }

    /// The runs of the experiment file at `path` with the flags given on top, and its `out`.
    static func experimentConfigs(_ path: String, options: TrainingOptions) throws -> (configs: [RunConfig], out: String?) {
        var file: ExperimentFile
        file = try failing { try ExperimentFile.read(path: path) }
        if let seeds = try options.seedList() { file.seeds = seeds }
        return (options.overriding(file.configs(defaultData: DataCatalog.defaultName)), file.out)
    }

    /// - Parameter fromFile: the configs come from an experiment file, so a bad value is the
    ///   file's (exit status 1), not the command line's (64).
    static func run(_ configs: [RunConfig], options: TrainingOptions, output: OutputOptions, defaultOut: String? = nil,
                    fromFile: Bool = false) throws {
        // Checks that need no data come first, so a bad flag costs nothing.
        if let out = output.out, let problem = RunFolder.outputProblem(out) { throw CommandFailure.usage("--out: \(problem)") }
        for c in configs { if let problem = c.problems().first { throw CommandFailure(problem, status: fromFile ? 1 : 64) } }
        guard let first = configs.first else { throw CommandFailure("no runs to train") }
        guard configs.count <= ExperimentFile.maximumRuns else {
            throw CommandFailure.usage("\(configs.count) runs are more than the \(ExperimentFile.maximumRuns) an experiment holds")
        }
        try configureThreads()
        StopSignal.install()
        let data: Dataset
        data = try failing { try first.loadData() }
        let out = output.out ?? defaultOut ?? "runs"
        if output.share { return try trainShared(configs, data: data, out: out, quiet: options.quiet, checkProbe: options.checkProbe) }
        let runs = try failing { try RunScheduler.prepare(configs, data: data, out: out, resume: output.resume) }
        try train(runs, quiet: options.quiet, checkProbe: options.checkProbe)
    }

    /// Trains, one at a time, the runs of `configs` that no other process holds (`--share`).
    static func trainShared(_ configs: [RunConfig], data: Dataset, out: String, quiet: Bool, checkProbe: Bool = false) throws {
        try reporting(quiet: quiet, checkProbe: checkProbe) { events throws(RunError) in
            try RunScheduler.trainShared(configs, data: data, out: out, events: events)
        }
    }

    /// Trains prepared runs to their end, or until a stop signal: then every unfinished run
    /// is marked stopped (resumable) and the process exits 128 + the signal's number.
    static func train(_ runs: [TrainingRun], quiet: Bool, checkProbe: Bool = false) throws {
        try reporting(quiet: quiet, checkProbe: checkProbe) { events in RunScheduler.runAll(runs, events: events) }
    }

    /// Runs `work` with the progress output (and the probe check) as its event handler, and
    /// turns how it ended into the exit status: 128 + a stop signal's number, 1 on failures.
    private static func reporting(quiet: Bool, checkProbe: Bool,
                                  _ work: (_ events: (RunEvent) -> Void) throws(RunError) -> [String]) throws {
        let report = EpochReport.handler(ProgressLine(enabled: !quiet))
        var check = ProbeCheck()
        let failures = try failing {
            try work { event in
                if checkProbe, case let .epochFinished(run, row) = event { check.check(run, row: row) }
                report(event)
            }
        }
        if let signal = StopSignal.pending { throw ExitCode(StopSignal.exitStatus(signal)) }
        if !failures.isEmpty { throw ExitCode.failure }
    }
}

/// Where the headless commands write, and whether they continue what is there.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output folder; each run gets a sub-folder (default: runs, or the experiment file's \"out\").") var out: String?
    @Flag(help: "Continue the runs found in the output folder from their last complete epoch.") var resume = false
    @Flag(help: "Share the runs with other processes started on the same experiment and --out (here or on machines sharing the folder): train, one at a time, each run no process holds, resuming what is there, until none is left.")
    var share = false
}
