import Foundation

/// Several processes on one experiment: started on the same runs and output folder (on one
/// machine, or on several that share the folder), each trains the next run that no process
/// holds, to its end, then takes the next, until every run is finished or held by another.
/// The run folders' locks decide who trains what, so no run is trained twice; a run whose
/// process died is free again and the next process to look resumes it from its checkpoint.
extension RunScheduler {
    /// Trains the runs of `configs` that no other process holds, one at a time, resuming
    /// what earlier processes left; once every run is finished or held, waits for the held
    /// ones and resumes any their process left unfinished (it died), so that the experiment
    /// is complete when the last process returns. Returns the failures, one line each. A stop
    /// signal ends it after saving the run in hand (marked stopped, resumable).
    @discardableResult
    public static func trainShared(_ configs: [RunConfig], data: Dataset, out: String,
                                   events: (RunEvent) -> Void = { _ in }) throws(RunError) -> [String] {
        try check(configs, data: data, out: out, sideBySide: false)
        var failures: [String] = []
        var settled = Set<String>()
        while StopSignal.pending == nil {
            // A pass over the free runs; then the first run still held, waited for.
            var held: (config: RunConfig, holder: pid_t?)?
            for config in configs where !settled.contains(config.name) {
                if StopSignal.pending != nil { break }
                switch try RunFolderLock.take(folder: out + "/" + config.name) {
                case .taken(let lock):
                    settled.insert(config.name)
                    failures += train(config, data: data, out: out, lock: lock, events: events)
                case .heldByThisProcess:
                    settled.insert(config.name)
                case .heldByAnother(let holder):
                    if held == nil { held = (config, holder) }
                }
            }
            guard let (waited, holder) = held, StopSignal.pending == nil else { break }
            events(.waiting(run: waited.name, holder: holder))
            let lock = try RunFolderLock.wait(folder: out + "/" + waited.name)
            settled.insert(waited.name)
            failures += train(waited, data: data, out: out, lock: lock, events: events)
        }
        return failures
    }

    /// Whether the run in `folder` has ended for good (done, or diverged: training it again
    /// would diverge again): a process sharing the experiment passes it by without loading it.
    public static func hasEnded(_ config: RunConfig, in folder: RunFolder) -> Bool {
        guard let record = try? folder.readRecord(), record.config == config else { return false }
        return record.status == .diverged || (record.status == .done && record.epochsCompleted >= config.epochs)
    }

    /// One run, under its lock, to its end (nothing when it has ended already).
    private static func train(_ config: RunConfig, data: Dataset, out: String, lock: RunFolderLock,
                              events: (RunEvent) -> Void) -> [String] {
        let folder = RunFolder(path: out + "/" + config.name)
        if hasEnded(config, in: folder) { return [] }
        do {
            let run = try TrainingRun(config: config, data: data, folder: folder, resume: true, lock: lock)
            return runAll([run], events: events)
        } catch {
            return [error.description]
        }
    }
}
