import Evaluation
import ArgumentParser
import Foundation
import Trainer
import Vocabulary

/// `workbench submit`: an experiment as one Slurm job array, one task per run.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Train an experiment on a Slurm cluster: one job array, one task per run (methods × seeds × settings).",
        discussion: """
            Writes OUT/experiment-runs.json (the runs, as submitted) and OUT/submit.sh (the batch \
            script; `sbatch OUT/submit.sh` submits it again), then submits the script with sbatch. \
            Each task trains its run into OUT with the CPUs Slurm gave it; a preempted or requeued \
            task resumes from the run's last complete epoch, a task whose run is finished ends at once. \
            `workbench watch OUT` shows the runs as they train, from any machine that sees OUT.
            """)

    @Option(help: "An experiment file (JSON, see examples/); --data, --epochs, --lr, --train-size, --seeds and --out still override it.")
    var config: String?
    @Option(help: "Without --config: comma-separated methods.") var methods = "simclr,moco,byol,triplet,supervised"
    @Option(parsing: .unconditional, help: "Without --config: comma-separated truncation thresholds of the triplet runs.") var skip = "1"
    @OptionGroup var options: TrainingOptions
    @Option(help: "Output folder shared by the tasks (default: runs, or the experiment file's \"out\").") var out: String?

    @Option(help: "Slurm partition (default: the cluster's).") var partition: String?
    @Option(help: "Time limit per task, as sbatch takes it (\"4:00:00\", \"1-00:00:00\"); default: the partition's.") var time: String?
    @Option(name: .customLong("cpus-per-task"), help: "CPUs per task: the run's threads.") var cpusPerTask = 2
    @Option(help: "Memory per task, as sbatch takes it (\"4G\", \"800M\"); default: the run's estimate with room to spare.") var mem: String?
    @Option(help: "Slurm account to charge.") var account: String?
    @Option(name: .customLong("max-running"), help: "At most this many tasks at once.") var maxRunning: Int?
    @Option(name: .customLong("job-name"), help: "The array's name in squeue (default: workbench-<output folder>).") var jobName: String?
    @Option(help: ArgumentHelp("A further sbatch option for the script, repeatable: --sbatch=--qos=low --sbatch=--constraint=avx2.", valueName: "OPTION"))
    var sbatch: [String] = []
    @Option(help: "The workbench binary the tasks run (default: this one; it must be reachable from the nodes).") var workbench: String?
    @Flag(name: .customLong("dry-run"), help: "Print the batch script and submit nothing (nothing is written).") var dryRun = false

    func validate() throws {
        // What the tasks would not do: say so rather than drop it.
        if options.checkProbe { throw ValidationError("--check-probe is for runs trained here (compare, train); submitted tasks do not check the probe") }
    }

    func run() throws {
        let (configs, description, defaultOut) = try runs()
        let outPath = SubmitCommand.absolute(out ?? defaultOut ?? "runs")
        if let problem = RunFolder.outputProblem(outPath) { throw CommandFailure.usage("--out: \(problem)") }
        for c in configs { if let problem = c.problems().first { throw CommandFailure(problem, status: config == nil ? 64 : 1) } }
        guard configs.count <= ExperimentFile.maximumRuns else {
            throw CommandFailure.usage("\(configs.count) runs are more than the \(ExperimentFile.maximumRuns) an experiment holds")
        }
        guard let first = configs.first else { throw CommandFailure("no runs to submit") }
        // The data set, as the nodes will load it: refused here rather than in every task.
        let data: Dataset
        data = try failing { try first.loadData() }
        try failing { try RunScheduler.check(configs, data: data, out: outPath, sideBySide: false) }
        let submitted = ExperimentRuns(description: description, runs: configs)
        do {
            if let earlier = try ExperimentRuns.read(in: outPath), earlier.runs != configs {
                throw CommandFailure("\(ExperimentRuns.path(in: outPath)): holds the runs of another submission (\(earlier.runs.count) runs, not these \(configs.count)); choose another --out")
            }
        } catch let error as RunError { throw CommandFailure(error.description) }

        var script = SlurmJobScript(jobName: jobName ?? "workbench-" + (outPath as NSString).lastPathComponent,
                                    taskCount: configs.count, cpusPerTask: cpusPerTask,
                                    workingDirectory: FileManager.default.currentDirectoryPath,
                                    logFolder: outPath + "/slurm-logs",
                                    command: [workbench.map(SubmitCommand.absolute) ?? SubmitCommand.thisBinary,
                                              "task", outPath, "--index", SlurmJobScript.taskIndex])
        script.memoryMiB = try mem.map(SubmitCommand.mebibytes) ?? SubmitCommand.estimatedMiB(configs, data: data)
        script.timeLimit = time
        script.partition = partition
        script.account = account
        script.maxRunning = maxRunning
        script.extraOptions = sbatch
        if let problem = script.problem { throw CommandFailure.usage(problem) }
        if dryRun {
            print(script.text, terminator: "")
            return
        }

        do {
            try FileManager.default.createDirectory(atPath: script.logFolder, withIntermediateDirectories: true)
            try submitted.write(in: outPath)
            try AtomicFile.write(script.text, to: outPath + "/submit.sh")
        } catch let error as RunError { throw CommandFailure(error.description) } catch let error as AtomicFile.WriteError {
            throw CommandFailure(error.description)
        } catch { throw CommandFailure("\(script.logFolder): cannot create (\(error.localizedDescription))") }
        chmod(outPath + "/submit.sh", 0o755)
        let job = try SubmitCommand.sbatch(outPath + "/submit.sh")
        print("submitted job \(job): \(configs.count) tasks, one per run, into \(outPath)")
        print("  squeue -j \(job)    workbench watch \(outPath)    logs in \(script.logFolder)")
    }

    /// The runs, the experiment's description and its own output folder.
    private func runs() throws -> ([RunConfig], String, String?) {
        if let config {
            let experiment = try Launch.experimentConfigs(config, options: options)
            let description = (try? ExperimentFile.read(path: config).description) ?? ""
            return (experiment.configs, description.isEmpty ? config : description, experiment.out)
        }
        let kinds = try Launch.parseList(methods, flag: "--methods") { MethodKind(rawValue: $0) }
        let skips = try Launch.parseList(skip, flag: "--skip") { Int($0) }
        let configs = kinds.flatMap { kind in kind == .triplet ? skips.map { options.config(kind, skip: $0) } : [options.config(kind, skip: skips[0])] }
        return (try options.expandingSeeds(configs), "workbench submit --methods \(methods)", nil)
    }

    /// Submits the script; returns the job id sbatch printed.
    static func sbatch(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch", "--parsable", script]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw CommandFailure("cannot start sbatch (\(error.localizedDescription))") }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            if process.terminationStatus == 127 {
                throw CommandFailure("sbatch: not found (is Slurm installed here? --dry-run prints the script without it); the script is \(script)")
            }
            let line = complaint.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw CommandFailure("sbatch refused \(script): \(line)")
        }
        // "1234" or "1234;cluster".
        return String(printed.split(separator: "\n").first?.split(separator: ";").first ?? "?")
    }

    /// The run's estimated peak (the largest of the runs) and the data set held in memory,
    /// with half as much again to spare, in MiB, rounded up to 256.
    static func estimatedMiB(_ configs: [RunConfig], data: Dataset) -> Int {
        // The images as the task holds them (bytes or floats), the unlabeled split included.
        let dataBytes = data.train.storageBytes + data.test.storageBytes
            + (data.selfSupervisedSplits == .train ? 0 : data.selfSupervisedTrain.storageBytes)
        let run = configs.map {
            MemoryBudget.estimate($0, side: data.side, channels: data.channels, trainImages: data.train.count,
                                  testImages: data.test.count, classCount: data.classCount)
        }.max() ?? 0
        let bytes = Double(run + dataBytes) * 1.5 + 512 * 1_048_576
        return Int((bytes / 1_048_576 / 256).rounded(.up)) * 256
    }

    /// "4G", "800M", "2048" (MiB, as sbatch reads a bare number) → MiB.
    static func mebibytes(_ text: String) throws -> Int {
        let units: [Character: Double] = ["K": 1.0 / 1024, "M": 1, "G": 1024, "T": 1_048_576]
        var digits = text.uppercased()
        var scale = 1.0
        if let last = digits.last, let unit = units[last] { scale = unit; digits.removeLast() }
        // At most 1 PiB: a size a node could have (and one that fits an Int).
        guard let value = Double(digits), value > 0, value.isFinite, value * scale <= 1_073_741_824 else {
            throw CommandFailure.usage("--mem: '\(text)' is not a size (4G, 800M)")
        }
        return max(1, Int((value * scale).rounded(.up)))
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }

    /// This process's binary, as the nodes should start it.
    static var thisBinary: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? absolute(CommandLine.arguments[0])
    }
}
