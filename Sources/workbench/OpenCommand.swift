import ArgumentParser
import Foundation
import TUI
import Trainer
import Vocabulary

/// `workbench` with no subcommand: the interactive workbench in the terminal.
struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "The interactive workbench (the default): methods side by side, live diagnostics, ablations from the keyboard.")

    @Option(help: "Comma-separated methods.") var methods = "simclr,moco,byol,triplet,supervised"
    @Option(parsing: .unconditional, help: "Truncated triplet: ranked negatives skipped.") var skip = 1
    @OptionGroup var options: TrainingOptions
    @Option(help: "Output folder (default: runs/session-<date>-<time>).") var out: String?
    @Option(name: .customLong("resume"), help: "Reopen the session in this folder, with its curves, and continue its runs.")
    var resumeDirectory: String?
    @Option(help: "An experiment file (JSON, see examples/): it names the runs; --data, --epochs, --lr, --train-size, --seeds and --out still override it.")
    var config: String?

    func run() throws {
        let configs: [RunConfig], folder: String, data: Dataset
        if let out, let problem = RunFolder.outputProblem(out) { throw CommandFailure.usage("--out: \(problem)") }
        if let resumeDirectory {
            folder = resumeDirectory
            configs = try ExportCommand.runFolders([resumeDirectory]).map { run in
                do { return try run.readRecord().config } catch { throw CommandFailure("\(error)") }
            }
            guard let first = configs.first else { throw CommandFailure("\(resumeDirectory): holds no run") }
            data = try failing { try first.loadData() }
        } else {
            var fileOut: String?
            if let config {
                let experiment = try Launch.experimentConfigs(config, options: options)
                configs = experiment.configs
                fileOut = experiment.out
            } else {
                let kinds = try Launch.parseList(methods, flag: "--methods") { MethodKind(rawValue: $0) }
                configs = try options.expandingSeeds(kinds.map { options.config($0, skip: skip) })
            }
            for c in configs { if let problem = c.problems().first { throw CommandFailure(problem, status: config == nil ? 64 : 1) } }
            guard let first = configs.first else { throw CommandFailure("no runs to train") }
            let stamp = DateFormatter()
            stamp.dateFormat = "yyyyMMdd-HHmmss"
            folder = out ?? fileOut ?? "runs/session-\(stamp.string(from: Date()))"
            data = try failing { try first.loadData() }
        }
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw CommandFailure("the workbench needs a terminal (standard input and output are not one); for scripts use `workbench compare` or `workbench train`")
        }
        try configureThreads()
        StopSignal.install()
        let terminal: Terminal
        terminal = try failing { try Terminal() }
        let session: TrainingSession
        do { session = try TrainingSession(configs: configs, data: data, out: folder, resume: resumeDirectory != nil) } catch {
            terminal.restore()
            throw CommandFailure(error.description)
        }
        let report = WorkbenchApp(session: session, terminal: terminal).run()
        let share = report.sessionSeconds > 0 ? 100 * report.drawingSeconds / report.sessionSeconds : 0
        let cause = report.signal.map { "stopped by \(StopSignal.name($0)); " } ?? ""
        print("workbench: \(cause)runs are in \(report.outDirectory) (reopen with `workbench --resume \(report.outDirectory)`); "
              + String(format: "drawing took %.2f s of %.1f s (%.2f %%)", report.drawingSeconds, report.sessionSeconds, share))
        // Ctrl-C is the keyboard's quit, like q; the other signals say how the process ended.
        if let signal = report.signal, signal != SIGINT { throw ExitCode(StopSignal.exitStatus(signal)) }
    }
}
