import ArgumentParser
import Foundation
import Trainer

/// `workbench task`: what each task of a submitted job array runs.
struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Train runs of an experiment submitted into OUT (OUT/experiment-runs.json): run --index N, or with --share every run no other process holds.")

    @Argument(help: "The experiment's output folder.") var out: String
    @Option(parsing: .unconditional, help: "The run to train: its place in experiment-runs.json, from 0 (a Slurm task passes its array index).")
    var index: Int?
    @Flag(help: "Train, one at a time, every run of the experiment that no other process holds, until none is left.") var share = false
    @Flag(help: "No progress output.") var quiet = false

    func validate() throws {
        if (index == nil) == !share { throw ValidationError("give --index N or --share") }
        if let index, index < 0 { throw ValidationError("--index must be 0 or more, got \(index)") }
    }

    func run() throws {
        let experiment: ExperimentRuns
        do {
            guard let read = try ExperimentRuns.read(in: out) else {
                throw CommandFailure("\(out): holds no submitted experiment (no \(ExperimentRuns.fileName))")
            }
            experiment = read
        } catch let error as RunError { throw CommandFailure(error.description) }
        var configs = experiment.runs
        if let index {
            guard index < configs.count else {
                throw CommandFailure.usage("--index \(index): the experiment has \(configs.count) runs (0 to \(configs.count - 1))")
            }
            let config = configs[index]
            // A requeued or resubmitted task whose run has ended: nothing to load, nothing to train.
            let folder = RunFolder(path: out + "/" + config.name)
            if RunScheduler.hasEnded(config, in: folder) {
                if !quiet { print("\(config.name): already finished (\((try? folder.readRecord())?.status.rawValue ?? "done"))") }
                return
            }
            configs = [config]
        }
        guard let first = configs.first else { throw CommandFailure("\(out): the experiment has no runs") }
        try configureThreads()
        StopSignal.install()
        let data: Dataset
        data = try failing { try first.loadData() }
        // One run (--index) or all: each taken when free, else waited for (a --share process,
        // or a lock a dead node's filesystem still keeps holds it), then continued or passed by.
        try Launch.trainShared(configs, data: data, out: out, quiet: quiet)
    }
}
