import ArgumentParser
import Foundation
import TUI
import Trainer

/// `workbench watch DIR`: the interactive workbench on runs that other processes train.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "The interactive workbench on an experiment folder that other processes train (a headless compare, a submitted Slurm array, a synced folder): curves, diagnostics and the runs' states update live; nothing is written into the runs.")

    @Argument(help: "The experiment's output folder.") var folder: String
    @Option(help: "Seconds between reads of the folder (only files that changed are read again).") var interval = 0.5

    func validate() throws {
        guard interval.isFinite, interval >= 0.05, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.05 and 3600 seconds, got \(interval)")
        }
    }

    func run() throws {
        let watch: FolderWatch
        watch = try failing { try FolderWatch(out: folder, interval: interval) }
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw CommandFailure("watch needs a terminal (standard input and output are not one); `workbench export \(folder)` writes what it would show")
        }
        StopSignal.install()
        let terminal: Terminal
        terminal = try failing { try Terminal() }
        let report = WorkbenchApp(session: watch, terminal: terminal).run()
        let cause = report.signal.map { "stopped by \(StopSignal.name($0)); " } ?? ""
        print("workbench: \(cause)stopped watching \(report.outDirectory); its runs go on in their own processes")
        if let signal = report.signal, signal != SIGINT { throw ExitCode(StopSignal.exitStatus(signal)) }
    }
}
