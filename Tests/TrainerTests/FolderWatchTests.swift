import Foundation
import Testing
import TestSupport
@testable import Trainer
import Vocabulary

/// The watcher of runs trained elsewhere: what it shows of a folder, that it reads a run's
/// files again only when their size or time changed, and that steering commands only answer.
@Suite(.serialized) struct FolderWatchTests {
    static let data = SyntheticShapes.dataset(trainCount: 512, testCount: 256)

    func config(_ method: MethodKind, epochs: Int) -> RunConfig {
        var c = RunConfig(method: method)
        c.epochs = epochs
        c.batch = 64
        c.data = "synthetic"
        return c
    }

    /// Polls the watcher's snapshot until `condition` holds (a few seconds at most).
    func eventually(_ watch: FolderWatch, _ condition: (SessionSnapshot) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10 * sanitizerSlowdown)
        while Date() < deadline {
            if condition(watch.snapshot) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Sets a file's modification time (as a sync tool that keeps times would).
    func setModified(_ path: String, to date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    @Test func itShowsSubmittedRunsAndRereadsOnlyChangedFiles() throws {
        let out = makeTemporaryFolder("watch")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let finished = config(.byol, epochs: 1), waiting = config(.simclr, epochs: 1)
        try ExperimentRuns(description: "two runs", runs: [finished, waiting]).write(in: out)
        let run = try TrainingRun(config: finished, data: Self.data, folder: RunFolder(path: out + "/byol"), resume: false)
        #expect(RunScheduler.runAll([run]).isEmpty)

        // Whole seconds, as every filesystem keeps them.
        let metrics = out + "/byol/metrics.csv"
        let modified = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 60)
        try setModified(metrics, to: modified)
        let watch = try FolderWatch(out: out, interval: 0.05)
        let first = watch.snapshot
        #expect(first.watching && first.runs.map(\.name) == ["byol", "simclr"])
        #expect(first.runs[0].status == .done && first.runs[0].epochsDone == 1 && first.runs[0].metrics.count == 2)
        #expect(first.runs[0].place?.pid == getpid())
        #expect(first.runs[1].status == .queued && first.runs[1].epochsDone == -1 && !first.runs[1].stalled)

        // metrics.csv overwritten in place by bytes of the same size, its time kept (before the
        // watcher's thread starts): not read again.
        let good = try Data(contentsOf: URL(fileURLWithPath: metrics))
        try Data(repeating: UInt8(ascii: "x"), count: good.count).write(to: URL(fileURLWithPath: metrics))
        try setModified(metrics, to: modified)
        watch.start()
        defer { watch.send(.quit); watch.waitUntilFinished() }
        usleep(300_000)
        #expect(watch.snapshot.runs == first.runs, "an unchanged stamp was read again")
        #expect(!watch.snapshot.message.contains("metrics.csv"), "\(watch.snapshot.message)")
        // A new time: read again; the garbage is reported, the last good read stays on screen.
        try setModified(metrics, to: modified.addingTimeInterval(5))
        #expect(eventually(watch) { $0.message.contains("metrics.csv") }, "a changed file was not read again: \(watch.snapshot.message)")
        #expect(watch.snapshot.runs[0].metrics == first.runs[0].metrics)
        // Mended (replaced atomically, as the trainer writes): the message goes.
        try good.write(to: URL(fileURLWithPath: metrics + ".new"))
        #expect(rename(metrics + ".new", metrics) == 0)
        #expect(eventually(watch) { !$0.message.contains("metrics.csv") }, "the mended file's problem stayed: \(watch.snapshot.message)")

        // Steering answers on the status line and changes nothing.
        watch.send(.togglePause(run: "byol"))
        #expect(eventually(watch) { $0.message == "watching: pausing a run is up to the process that trains the runs" })
        #expect(watch.snapshot.runs.map(\.status) == [.done, .queued])
    }

    @Test func aRunningRunWhoseProcessIsGoneIsStalled() throws {
        let out = makeTemporaryFolder("watch-stalled")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let c = config(.byol, epochs: 3)
        let folder = RunFolder(path: out + "/byol")
        do {
            let run = try TrainingRun(config: c, data: Self.data, folder: folder, resume: false)
            _ = try run.advance(until: { false })
        }
        // As a killed trainer leaves it: running, last trained by a process of this host that is gone.
        var record = try folder.readRecord()
        #expect(record.status == .running)
        let gone = ProcessPlace(host: ProcessPlace.current.host, pid: Int32.max - 1, slurmJob: "77_0")
        record.trainedBy = (record.trainedBy ?? []).dropLast() + [TrainingSegment(fromEpoch: 0, programVersion: "test", blas: "test",
                                                                                  threads: 1, startedAt: Date(), place: gone)]
        try folder.write(record)
        let stalled = try FolderWatch(out: out).snapshot.runs[0]
        #expect(stalled.stalled && stalled.place == gone)
        // The same run trained by this (living) process, written just now: not stalled.
        record.trainedBy = [TrainingSegment(fromEpoch: 0, programVersion: "test", blas: "test", threads: 1, startedAt: Date())]
        try folder.write(record)
        #expect(try FolderWatch(out: out).snapshot.runs[0].stalled == false)
        // Trained on another host and silent for an hour: stalled.
        record.trainedBy = [TrainingSegment(fromEpoch: 0, programVersion: "test", blas: "test", threads: 1, startedAt: Date(),
                                            place: ProcessPlace(host: "elsewhere", pid: 1, slurmJob: nil))]
        try folder.write(record)
        #expect(try FolderWatch(out: out).snapshot.runs[0].stalled == false)
        let hourAgo = Date().addingTimeInterval(-3600)
        for path in [folder.recordPath, folder.metricsPath, folder.centresPath, folder.referencesPath] {
            try? setModified(path, to: hourAgo)
        }
        #expect(try FolderWatch(out: out).snapshot.runs[0].stalled)
    }

    @Test func aFolderWithoutRunsIsRefusedInOneLine() throws {
        let out = makeTemporaryFolder("watch-empty")
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(throws: RunError.self) { try FolderWatch(out: out) }
        #expect(throws: RunError.self) { try FolderWatch(out: out + "/missing") }
    }
}
