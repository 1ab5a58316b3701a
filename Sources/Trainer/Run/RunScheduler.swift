import Evaluation
import Foundation

/// What the scheduler reports while it works.
public enum RunEvent {
    case alreadyComplete(TrainingRun)
    case step(TrainingRun, epoch: Int, step: Int, of: Int)
    case epochFinished(TrainingRun, EpochMetrics)
    case failed(TrainingRun, message: String)
    /// Sharing an experiment: the run is held by another process (pid when known), waited for.
    case waiting(run: String, holder: pid_t?)
    /// A stop signal arrived: every unfinished run was marked stopped and left resumable.
    case stopped(signal: Int32, runs: [TrainingRun])
}

/// Runs several training runs side by side: every run does epoch 0, then every run does
/// epoch 1, and so on, so their curves grow together; resumed runs that stopped at
/// different epochs catch up, least advanced first. A run that fails (diverges) stops
/// alone; the others go on.
public enum RunScheduler {
    /// Prepares every run before any training, so a bad config or folder fails first.
    public static func prepare(_ configs: [RunConfig], data: Dataset, out: String, resume: Bool) throws(RunError) -> [TrainingRun] {
        try check(configs, data: data, out: out, sideBySide: true)
        var runs: [TrainingRun] = []
        for c in configs {
            runs.append(try TrainingRun(config: c, data: data, folder: RunFolder(path: out + "/" + c.name), resume: resume))
        }
        return runs
    }

    /// Refuses an output folder that cannot be written, two runs with one folder, a config
    /// that cannot train on `data`, and runs that would not fit in memory: all of them at once
    /// (`sideBySide`), or the largest alone (runs trained one after another).
    public static func check(_ configs: [RunConfig], data: Dataset, out: String, sideBySide: Bool) throws(RunError) {
        if let problem = RunFolder.outputProblem(out) { throw RunError(problem) }
        var names = Set<String>()
        for c in configs where !names.insert(c.name).inserted {
            throw RunError("two runs would share the folder \(out)/\(c.name)")
        }
        for c in configs {
            if let problem = c.problems(trainCount: data.train.count, imageSide: data.side).first { throw RunError(problem) }
        }
        for group in sideBySide ? [configs] : configs.map({ [$0] }) {
            if let problem = MemoryBudget.problem(group, data: data) { throw RunError(problem) }
        }
    }

    /// The one scheduling policy of side-by-side runs: of the runs that can go on, the least
    /// advanced (lowest next epoch), one already inside its epoch before one not started on
    /// it, then the first listed; so curves grow together, epoch by epoch in turn.
    public static func leastAdvanced(_ runs: [TrainingRun], canGoOn: (TrainingRun) -> Bool) -> TrainingRun? {
        runs.filter { !$0.isFinished && canGoOn($0) }
            .min { a, b in (a.nextEpoch, a.stepInEpoch > 0 ? 0 : 1) < (b.nextEpoch, b.stepInEpoch > 0 ? 0 : 1) }
    }

    /// Advances all runs to their last epoch; returns the failures, one line each.
    @discardableResult
    public static func runAll(_ runs: [TrainingRun], events: (RunEvent) -> Void = { _ in }) -> [String] {
        var failures: [String] = []
        var failed = Set<ObjectIdentifier>()
        for run in runs where run.record.status == .done { events(.alreadyComplete(run)) }
        func next() -> TrainingRun? { leastAdvanced(runs) { !failed.contains(ObjectIdentifier($0)) } }
        while let run = next() {
            let epoch = run.nextEpoch
            do {
                let row = try run.advance(until: { StopSignal.pending != nil }) { step, steps in
                    events(.step(run, epoch: epoch, step: step, of: steps))
                }
                guard let row else { break }
                events(.epochFinished(run, row))
            } catch {
                failed.insert(ObjectIdentifier(run))
                failures.append(error.description)
                events(.failed(run, message: error.description))
            }
        }
        if let signal = StopSignal.pending {
            let unfinished = runs.filter { !$0.isFinished }
            for run in unfinished {
                do {
                    try run.markEnded(.stopped, message: "stopped by \(StopSignal.name(signal)) during epoch \(run.nextEpoch); --resume continues it")
                } catch {
                    failures.append(error.description)
                    events(.failed(run, message: error.description))
                }
            }
            events(.stopped(signal: signal, runs: unfinished))
        }
        return failures
    }
}
