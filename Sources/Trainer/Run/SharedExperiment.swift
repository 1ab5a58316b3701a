import Foundation

/// Several processes on one experiment: started on the same runs and output folder (on one
/// machine, or on several that share the folder), each trains the next run that no process
/// holds, to its end, then takes the next, until every run is finished or held by another.
/// The run folders' locks decide who trains what, so no run is trained twice; a run whose
/// process died is free again and the next process to look resumes it from its checkpoint.
extension RunScheduler {
    /// Trains the runs of `configs` that no other process holds, one at a time, resuming
    /// what earlier processes left; returns the failures, one line each. A stop signal ends
    /// it after saving the run in hand (marked stopped, resumable).
    @discardableResult
    public static func trainShared(_ configs: [RunConfig], data: Dataset, out: String,
                                   events: (RunEvent) -> Void = { _ in }) throws(RunError) -> [String] {
        try check(configs, data: data, out: out, sideBySide: false)
        var failures: [String] = []
        var settled = Set<String>()
        var tookOne = true
        // Passes over the runs until one finds nothing to take: a run held by a process that
        // ended meanwhile is taken on the next pass.
        while tookOne && StopSignal.pending == nil {
            tookOne = false
            for config in configs where !settled.contains(config.name) {
                if StopSignal.pending != nil { break }
                guard case .taken(let lock) = try RunFolderLock.take(folder: out + "/" + config.name) else { continue }
                settled.insert(config.name)
                tookOne = true
                let run: TrainingRun
                do {
                    run = try TrainingRun(config: config, data: data, folder: RunFolder(path: out + "/" + config.name),
                                          resume: true, lock: lock)
                } catch {
                    failures.append(error.description)
                    continue
                }
                failures += runAll([run], events: events)
            }
        }
        return failures
    }
}
