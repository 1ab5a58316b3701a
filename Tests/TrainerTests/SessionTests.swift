import Foundation
import Testing
import TensorCore
import TestSupport
@testable import Trainer
import Vocabulary

/// The workbench's trainer thread, driven by commands as the keys would drive it.
@Suite(.serialized) struct SessionTests {
    static let data = SyntheticShapes.dataset(trainCount: 512, testCount: 200)

    func config(_ method: MethodKind) -> RunConfig {
        var c = RunConfig(method: method)
        c.epochs = 50
        c.batch = 64
        return c
    }

    func waitFor(_ session: TrainingSession, timeout: TimeInterval = 60, _ condition: (SessionSnapshot) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(session.snapshot) { return true }
            usleep(20_000)
        }
        return false
    }

    @Test func commandsPauseStopQueueSweepAndQuit() throws {
        let out = makeTemporaryFolder("session")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let session = try TrainingSession(configs: [config(.simclr), config(.triplet)], data: Self.data, out: out, resume: false)
        session.start()
        #expect(waitFor(session) { $0.runs.allSatisfy { $0.epochsDone >= 1 } }, "runs did not train")

        session.send(.togglePause(run: "simclr"))
        #expect(waitFor(session) { $0.runs.first { $0.name == "simclr" }?.status == .paused })
        let pausedAt = session.snapshot.runs.first { $0.name == "simclr" }?.epochsDone ?? -1
        #expect(waitFor(session) { ($0.runs.first { $0.name == "triplet-skip1-dep9" }?.epochsDone ?? 0) >= pausedAt + 2 },
                "the other run should go on while one is paused")
        #expect(session.snapshot.runs.first { $0.name == "simclr" }?.epochsDone == pausedAt)

        session.send(.stop(run: "triplet-skip1-dep9"))
        #expect(waitFor(session) { $0.runs.first { $0.name == "triplet-skip1-dep9" }?.status == .stopped })

        session.send(.adjustSkip(by: 10))
        session.send(.adjustSkip(by: -3))
        session.send(.adjustDeputies(by: -4))
        #expect(waitFor(session) { $0.nextSkip == 8 && $0.nextDeputies == 5 })
        session.send(.queueTriplet)
        #expect(waitFor(session) { $0.runs.contains { $0.name == "triplet-skip8-dep5" } })
        session.send(.adjustSkip(by: 1000))
        #expect(waitFor(session) { $0.nextSkip == 63 - 5 }, "skip + deputies must stay within the 63 negatives")

        session.send(.queueSweep)
        // Sweep values with skip + deputies ≤ 63: 0, 1, 5, 10, 20, 25, 30, 40 (60 and 100 do not fit).
        #expect(waitFor(session) { s in [0, 1, 5, 10, 20, 25, 30, 40].allSatisfy { k in s.runs.contains { $0.name == "triplet-skip\(k)-dep5" } } })
        #expect(!session.snapshot.runs.contains { $0.name == "triplet-skip60-dep5" })

        session.send(.quit)
        session.waitUntilFinished()
        // Unfinished runs are left resumable: the record says stopped, the checkpoint is complete.
        let record = try RunFolder(path: out + "/simclr").readRecord()
        #expect(record.status == .stopped)
        let resumed = try TrainingRun(config: config(.simclr), data: Self.data, folder: RunFolder(path: out + "/simclr"), resume: true)
        #expect(resumed.nextEpoch == pausedAt + 1)
    }

    @Test func reopenedFinishedRunsShowTheirReferenceLinesAndSettings() throws {
        let out = makeTemporaryFolder("session-reopen")
        defer { try? FileManager.default.removeItem(atPath: out) }
        var triplet = config(.triplet)
        triplet.epochs = 1
        let data = Self.data.limitingTrain(to: 128)
        do {
            let run = try TrainingRun(config: triplet, data: data, folder: RunFolder(path: out + "/" + triplet.name), resume: false)
            while !run.isFinished { _ = try run.advance() }
        }
        // Nothing is left to train, so the trainer thread never publishes: the first snapshot must hold it all.
        let session = try TrainingSession(configs: [triplet], data: data, out: out, resume: true)
        let snapshot = session.snapshot
        #expect(snapshot.references?.pixels(.knn) != nil && snapshot.references?.randomInit(.knn) != nil)
        #expect(snapshot.runs.first?.skip == 1 && snapshot.runs.first?.deputies == 9)
    }

    /// Keys cannot queue runs without end: the session stops at its cap and says so; and a
    /// quit ends the trainer at once, dropping the commands queued behind it.
    @Test func queuedRunsAreCappedAndQuitDropsWhatFollows() throws {
        let out = makeTemporaryFolder("session-cap")
        defer { try? FileManager.default.removeItem(atPath: out) }
        var base = config(.triplet)
        base.epochs = 1
        let session = try TrainingSession(configs: [base], data: Self.data, out: out, resume: false)
        session.start()
        // Ten sweeps at each of many deputies settings: more distinct runs than the cap.
        for _ in 0..<14 {
            session.send(.queueSweep)
            session.send(.adjustDeputies(by: 1))
        }
        #expect(waitFor(session, timeout: 120) { $0.message.contains("its most") }, "no cap message: \(session.snapshot.message)")
        #expect(session.snapshot.runs.count == TrainingSession.maximumRuns)
        session.send(.quit)
        for _ in 0..<50 { session.send(.queueTriplet); session.send(.adjustSkip(by: 1)) }
        session.waitUntilFinished()
        let folders = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(folders.count <= TrainingSession.maximumRuns)
        #expect(throws: RunError.self) {
            try TrainingSession(configs: (0...TrainingSession.maximumRuns).map { seed in var c = base; c.seed = UInt64(seed); return c },
                                data: Self.data, out: out + "/many", resume: false)
        }
    }

    /// A fork must change the setting, and another seed of a fork is refused (it would start
    /// from the same checkpoint); the refusals say what to do instead.
    @Test func forksMustChangeSomethingAndAreNotReseeded() throws {
        let out = makeTemporaryFolder("session-fork")
        defer { try? FileManager.default.removeItem(atPath: out) }
        var base = config(.triplet)
        base.epochs = 4
        let session = try TrainingSession(configs: [base], data: Self.data, out: out, resume: false)
        session.start()
        defer { session.send(.quit); session.waitUntilFinished() }
        #expect(waitFor(session) { $0.runs.first?.epochsDone ?? 0 >= 1 })
        session.send(.fork(run: "triplet-skip1-dep9"))
        #expect(waitFor(session) { $0.message.contains("are triplet-skip1-dep9's own") }, "\(session.snapshot.message)")
        #expect(session.snapshot.runs.count == 1)
        session.send(.adjustSkip(by: 4))
        session.send(.fork(run: "triplet-skip1-dep9"))
        #expect(waitFor(session) { $0.runs.count == 2 && $0.message.hasPrefix("forked") }, "\(session.snapshot.message)")
        let fork = try #require(session.snapshot.runs.last)
        #expect(fork.name.hasPrefix("triplet-skip5-dep9-fork-e") && fork.seedGroupKey != session.snapshot.runs[0].seedGroupKey)
        session.send(.addSeed(run: fork.name))
        #expect(waitFor(session) { $0.message.contains("a fork continues its parent's checkpoint") }, "\(session.snapshot.message)")
        #expect(session.snapshot.runs.count == 2)
    }
}
