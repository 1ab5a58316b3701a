import Evaluation
import Foundation
import Testing
import TestSupport
@testable import Trainer
import Vocabulary

/// The linear probe inside runs: its accuracy is the converged one, `--probe-every` skips the
/// epochs it says, and a run started by an older build keeps its probe when resumed.
@Suite(.serialized) struct ProbeProtocolTests {
    static let data = SyntheticShapes.dataset(trainCount: 2_000, testCount: 1_000)
    /// More rows than the probe has parameters (512 × 10), as on every real data set, and a
    /// test split fine enough for 0.1 point to be 4 images.
    static let larger = SyntheticShapes.dataset(trainCount: 8_000, testCount: 4_000)

    func config(_ method: MethodKind, epochs: Int, probeEvery: Int? = nil) -> RunConfig {
        var c = RunConfig(method: method)
        c.epochs = epochs
        c.batch = 128
        c.data = "synthetic"
        c.probeEvery = probeEvery
        return c
    }

    /// At every epoch of a short run, the probe the run records is within 0.1 point of a
    /// probe solved from zero to the tolerance of older builds (1e-5) by plain L-BFGS.
    @Test func everyEpochsProbeIsTheConvergedOne() throws {
        let out = makeTemporaryFolder("runs")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try TrainingRun(config: config(.simclr, epochs: 2), data: Self.larger, folder: RunFolder(path: out + "/s"), resume: false)
        let reference = LinearProbe(iterations: 100_000, tolerance: 1e-5, preconditioned: false)
        while !run.isFinished {
            let row = try #require(try run.advance())
            let rows = run.representations()
            let solved = reference.evaluate(train: rows.train, trainLabels: Self.larger.train.labels, test: rows.test,
                                            testLabels: Self.larger.test.labels, dimension: rows.dimension, classCount: Self.larger.classCount)
            let recorded = try #require(row.linearTop1)
            #expect(abs(recorded - solved.accuracy) <= 0.1, "epoch \(row.epoch): recorded \(recorded), solved to 1e-5 \(solved.accuracy) (\(solved.iterations) iterations)")
        }
        let record = try RunFolder(path: out + "/s").readRecord()
        #expect(record.evaluation?.linearProbe == LinearProbe().description)
        #expect(record.evaluation?.linearProbeEvery == nil)
    }

    @Test func probeEverySkipsEpochsButNeverTheFirstOrTheLast() throws {
        let out = makeTemporaryFolder("runs")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try TrainingRun(config: config(.supervised, epochs: 5, probeEvery: 2), data: Self.data,
                                  folder: RunFolder(path: out + "/s"), resume: false)
        while !run.isFinished { try run.advance() }
        let rows = try RunFolder(path: out + "/s").readMetrics()
        #expect(rows.map(\.epoch) == [0, 1, 2, 3, 4, 5])
        #expect(rows.map { $0.linearTop1 != nil } == [true, false, true, false, true, true])
        #expect(rows.allSatisfy { $0.knnTop1 != nil })
        let record = try RunFolder(path: out + "/s").readRecord()
        #expect(record.evaluation?.linearProbeEvery == 2)
        #expect(try String(contentsOfFile: out + "/s/run.json", encoding: .utf8).contains("\"linear_probe_every\" : 2"))
        // The random-initialisation reference line needs epoch 0's probe.
        #expect(run.references?.randomInit != nil)
        #expect(RunConfig(method: .simclr).probesLinear(at: 7))
        var bad = config(.simclr, epochs: 2, probeEvery: 0)
        #expect(bad.problems().contains("--probe-every must be at least 1, got 0"))
        bad.probeEvery = nil
        #expect(bad.problems().isEmpty)
    }

    /// A run whose run.json names the probe of older builds (100 plain iterations) goes on
    /// with that probe when resumed, so all its epochs are scored alike.
    @Test func aRunStartedByAnOlderBuildResumesWithItsProbe() throws {
        let out = makeTemporaryFolder("runs")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let folder = RunFolder(path: out + "/s")
        let c = config(.simclr, epochs: 2)
        do {
            let run = try TrainingRun(config: c, data: Self.data, folder: folder, resume: false)
            try run.advance()  // epoch 0
            try run.advance()  // epoch 1
        }
        let path = out + "/s/run.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let older = LinearProbe.hundredPlainIterations.description
        let edited = text.replacingOccurrences(of: LinearProbe().description.replacingOccurrences(of: "/", with: "\\/"), with: older)
            .replacingOccurrences(of: LinearProbe().description, with: older)
        #expect(edited != text)
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let resumed = try TrainingRun(config: c, data: Self.data, folder: folder, resume: true)
        let last = try #require(try resumed.advance())
        let rows = resumed.representations()
        let legacy = LinearProbe.hundredPlainIterations.evaluate(train: rows.train, trainLabels: Self.data.train.labels, test: rows.test,
                                                                testLabels: Self.data.test.labels, dimension: rows.dimension,
                                                                classCount: Self.data.classCount)
        #expect(last.linearTop1 == legacy.accuracy)
        #expect(try folder.readRecord().evaluation?.linearProbe == older)
    }
}
