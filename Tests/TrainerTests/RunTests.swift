import Evaluation
import Foundation
import Testing
import TensorCore
import TestSupport
@testable import Trainer
import Vocabulary

@Suite(.serialized) struct RunTests {
    static let data = SyntheticShapes.dataset(trainCount: 5_000, testCount: 2_000)

    func config(_ method: MethodKind, epochs: Int = 3, batch: Int = 256) -> RunConfig {
        var c = RunConfig(method: method)
        c.epochs = epochs
        c.batch = batch
        c.data = "synthetic"
        return c
    }

    /// A small new run (batch 64) on the first `images` training images, in `folder`.
    func smallRun(_ method: MethodKind, epochs: Int, images: Int, folder: String, resume: Bool = false) throws -> TrainingRun {
        try TrainingRun(config: config(method, epochs: epochs, batch: 64), data: Self.data.limitingTrain(to: images),
                        folder: RunFolder(path: folder), resume: resume)
    }

    /// The acceptance check of the methods: on synthetic, a few epochs lift every
    /// self-supervised method clearly above its epoch-0 kNN, and the supervised goal line
    /// lies above all of them.
    @Test func everyMethodLearnsAndSupervisedLeads() throws {
        let out = makeTemporaryFolder("runs")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let runs = try RunScheduler.prepare(MethodKind.allCases.map { config($0) }, data: Self.data, out: out, resume: false)
        let failures = RunScheduler.runAll(runs)
        #expect(failures.isEmpty)
        var final: [MethodKind: Double] = [:]
        for run in runs {
            let first = try #require(run.metrics.first?.knnTop1), last = try #require(run.metrics.last?.knnTop1)
            #expect(run.metrics.map(\.epoch) == [0, 1, 2, 3])
            #expect(run.metrics[0].loss == nil)  // epoch 0 is evaluation only
            final[run.config.method] = last
            if run.config.method.isSelfSupervised {
                #expect(last > first + 2, "\(run.config.name): kNN \(first) → \(last)")
            }
            #expect(run.record.status == .done)
        }
        let best = MethodKind.allCases.filter(\.isSelfSupervised).compactMap { final[$0] }.max() ?? 100
        #expect(try #require(final[.supervised]) > best)
    }

    @Test func runFolderHoldsRecordMetricsAndCheckpoint() throws {
        let out = makeTemporaryFolder("runs")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let c = config(.triplet, epochs: 1, batch: 64)
        let run = try smallRun(.triplet, epochs: 1, images: 640, folder: out + "/t")
        while !run.isFinished { try run.advance() }
        let folder = RunFolder(path: out + "/t")
        let record = try folder.readRecord()
        #expect(record.status == .done)
        #expect(record.config == c)
        #expect(record.dataChecksum == Self.data.limitingTrain(to: 640).checksum)
        #expect(record.programVersion == WorkbenchVersion.current)
        #expect(record.endedAt != nil)
        let metrics = try folder.readMetrics()
        #expect(metrics.map(\.epoch) == [0, 1])
        #expect(metrics[1].prOmegaMeasured != nil && metrics[1].prOmegaAnalytic != nil)
        let checkpoint = try #require(try folder.readCheckpoint())
        #expect(checkpoint.epoch == 1)
        #expect(checkpoint.globalStep == 10)
    }

    /// A fork with its parent's own settings continues exactly as the parent does: same
    /// weights, optimiser, random state, epoch numbering. A fork with another skip differs.
    @Test func forkContinuesFromTheParentsCheckpoint() throws {
        let out = makeTemporaryFolder("fork")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let data = Self.data.limitingTrain(to: 640)
        let parent = try smallRun(.triplet, epochs: 4, images: 640, folder: out + "/parent")
        for _ in 0...2 { try parent.advance() }
        // A fork with the parent's own settings is refused (it would repeat the parent and read
        // as a second seed); made by hand here, it must continue exactly as the parent does.
        #expect(throws: RunError.self) {
            try TrainingRun.fork(parent: parent.folder, epoch: 2, skip: 1, deputies: 9, gamma: 2, epochs: nil, data: data, out: out)
        }
        var sameConfig = parent.config
        sameConfig.fork = ForkOrigin(parentFolder: parent.folder.path, parentName: parent.config.name, epoch: 2)
        let same = try TrainingRun(config: sameConfig, data: data, folder: RunFolder(path: out + "/" + sameConfig.name), resume: false)
        let other = try TrainingRun.fork(parent: parent.folder, epoch: nil, skip: 20, deputies: 9, gamma: 2, epochs: nil, data: data, out: out)
        #expect(same.config.name == "triplet-skip1-dep9-fork-e2" && other.config.name == "triplet-skip20-dep9-fork-e2")
        #expect(same.nextEpoch == 3 && same.metrics.map(\.epoch) == [0, 1, 2])
        while !parent.isFinished { try parent.advance() }
        while !same.isFinished { try same.advance() }
        while !other.isFinished { try other.advance() }
        func untimed(_ rows: [EpochMetrics]) -> [EpochMetrics] {
            rows.map { var r = $0; r.imagesPerSecond = nil; r.wallSeconds = nil; r.trainSeconds = nil; r.evalSeconds = nil; return r }
        }
        // Compared as written (metrics.csv rounds), since the fork's first rows come from there.
        let parentRows = try untimed(parent.folder.readMetrics()), sameRows = try untimed(same.folder.readMetrics())
        #expect(sameRows == parentRows, "the fork did not continue from the parent's state")
        #expect(other.metrics.map(\.epoch) == [0, 1, 2, 3, 4])
        #expect(try untimed(Array(other.folder.readMetrics().prefix(3))) == Array(parentRows.prefix(3)))
        #expect(other.metrics[3].loss != parent.metrics[3].loss, "another skip must train differently")
        let record = try RunFolder(path: out + "/triplet-skip20-dep9-fork-e2").readRecord()
        #expect(record.config.fork == ForkOrigin(parentFolder: out + "/parent", parentName: "triplet-skip1-dep9", epoch: 2))
        #expect(throws: RunError.self) {
            try TrainingRun.fork(parent: parent.folder, epoch: 2, skip: 5, deputies: 9, gamma: 2, epochs: nil, data: data, out: out)
        }
    }

    /// Resumed runs that stopped at different epochs catch up least advanced first, then go
    /// on side by side (ties in the given order).
    @Test func resumedRunsCatchUpLeastAdvancedFirst() throws {
        let out = makeTemporaryFolder("catch-up")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let data = Self.data.limitingTrain(to: 256)
        let configs = [config(.simclr, epochs: 3, batch: 64), config(.byol, epochs: 3, batch: 64)]
        do {
            let ahead = try TrainingRun(config: configs[0], data: data, folder: RunFolder(path: out + "/simclr"), resume: false)
            try ahead.advance()
            try ahead.advance()
        }
        let runs = try RunScheduler.prepare(configs, data: data, out: out, resume: true)
        var order: [String] = []
        let failures = RunScheduler.runAll(runs) { event in
            if case .epochFinished(let run, let row) = event { order.append("\(run.config.name)\(row.epoch)") }
        }
        #expect(failures.isEmpty)
        #expect(order == ["byol0", "byol1", "simclr2", "byol2", "simclr3", "byol3"])
    }

    /// run.json lists every process that trained the run and from which epoch; reopening a
    /// finished run adds nothing.
    @Test func recordsEveryProcessThatTrainedIt() throws {
        let out = makeTemporaryFolder("trained-by")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let folder = RunFolder(path: out + "/s")
        do {
            let first = try smallRun(.simclr, epochs: 3, images: 256, folder: folder.path)
            try first.advance()
            try first.advance()
        }
        do {
            let resumed = try smallRun(.simclr, epochs: 3, images: 256, folder: folder.path, resume: true)
            while !resumed.isFinished { try resumed.advance() }
        }
        let segments = try #require(try folder.readRecord().trainedBy)
        #expect(segments.map(\.fromEpoch) == [0, 2])
        #expect(segments.allSatisfy { $0.blas.hasPrefix(BLAS.library) && $0.threads == BLAS.threadCount })
        #expect(segments.allSatisfy { $0.programVersion == WorkbenchVersion.current })
        _ = try smallRun(.simclr, epochs: 3, images: 256, folder: folder.path, resume: true)
        #expect(try folder.readRecord().trainedBy?.count == 2)
    }

    /// A run folder has one trainer at a time: a second `TrainingRun` on it is refused by name
    /// while the first lives, and resumes once the first is gone.
    @Test func aFolderIsTrainedByOneRunAtATime() throws {
        let out = makeTemporaryFolder("lock")
        defer { try? FileManager.default.removeItem(atPath: out) }
        do {
            let first = try smallRun(.simclr, epochs: 2, images: 256, folder: out + "/s")
            try first.advance()
            #expect {
                _ = try smallRun(.simclr, epochs: 2, images: 256, folder: out + "/s", resume: true)
            } throws: { error in
                "\(error)".contains(out + "/s") && "\(error)".contains("already being trained by this process")
            }
            #expect(first.nextEpoch == 1)
        }
        let resumed = try smallRun(.simclr, epochs: 2, images: 256, folder: out + "/s", resume: true)
        #expect(resumed.nextEpoch == 1)
        #expect(FileManager.default.fileExists(atPath: out + "/s/" + RunFolderLock.fileName))
    }

    @Test func damagedCheckpointIsRefusedByName() throws {
        let out = makeTemporaryFolder("runs")
        defer { try? FileManager.default.removeItem(atPath: out) }
        do {
            let run = try smallRun(.byol, epochs: 2, images: 256, folder: out + "/b")
            try run.advance()
        }
        let path = out + "/b/checkpoint.bin"
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        writeFile(atPath: path, contents: Data(bytes))
        #expect {
            _ = try smallRun(.byol, epochs: 2, images: 256, folder: out + "/b", resume: true)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("checksum mismatch")
        }
        writeFile(atPath: path, contents: Data(bytes.prefix(20)))
        #expect { _ = try Checkpoint.decode(Data(bytes.prefix(20)), path: path) } throws: { "\($0)".contains(path) }
    }

    @Test func checkpointRoundTrips() throws {
        let original = Checkpoint(epoch: 3, globalStep: 42, wallSeconds: 1.5, rngState: [1, 2, 3, 4],
                                  configJSON: Data("{}".utf8), tensors: [[1, 2, 3], [], [-4.5]], integers: [7, -1])
        let decoded = try Checkpoint.decode(original.encoded(), path: "x")
        #expect(decoded.epoch == 3 && decoded.globalStep == 42 && decoded.wallSeconds == 1.5)
        #expect(decoded.rngState == [1, 2, 3, 4] && decoded.tensors == [[1, 2, 3], [], [-4.5]] && decoded.integers == [7, -1])
    }

    /// Weights that become non-finite while the losses stayed finite (a step too large at the
    /// end of the last epoch) end the run `diverged`, not `done` with NaN figures.
    @Test func nonFiniteWeightsAtTheLastEvaluationMarkTheRunDiverged() throws {
        let out = makeTemporaryFolder("nan-weights")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let run = try smallRun(.simclr, epochs: 1, images: 512, folder: out + "/simclr")
        try run.advance()  // epoch 0
        while try run.trainStep() {}
        for parameter in run.method.optimisedParameters {
            parameter.value.data.update(repeating: .nan, count: parameter.value.count)
        }
        #expect(throws: RunError.self) { try run.finishEpoch() }
        #expect(run.record.status == .diverged)
        let record = try RunFolder(path: out + "/simclr").readRecord()
        #expect(record.status == .diverged && record.message?.contains("non-finite") == true)
        let rows = try RunFolder(path: out + "/simclr").readMetrics()
        #expect(rows.last?.diverged == true && rows.last?.knnTop1 == nil)
    }

    /// Memory is checked before anything is built: the estimate scales with the image and
    /// the batch, and a limit below it refuses the run with one line.
    @Test func theMemoryBudgetRefusesWhatCannotFit() throws {
        let small = MemoryBudget.estimate(config(.byol), side: 28, trainImages: 20_000, testImages: 10_000, classCount: 10)
        let large = MemoryBudget.estimate(config(.byol), side: 4096, trainImages: 2, testImages: 2, classCount: 2)
        #expect(small < 1 << 30, "the reference workload must fit easily: \(small)")
        #expect(large > 64 << 30)
        #expect(MemoryBudget.parseSize("64M") == 64 << 20 && MemoryBudget.parseSize("2G") == 2 << 30 && MemoryBudget.parseSize("x") == nil)
        setenv("WORKBENCH_MEMORY_LIMIT", "1M", 1)
        defer { unsetenv("WORKBENCH_MEMORY_LIMIT") }
        let problem = try #require(MemoryBudget.problem([config(.simclr)], data: Self.data))
        #expect(problem.contains("WORKBENCH_MEMORY_LIMIT") && problem.contains("28×28"))
    }

    /// Processes sharing an output folder compute the pixel reference lines once: the first
    /// writes them to OUT/pixel-references.json, the others (here: this process with its
    /// memory forgotten) read them from there.
    @Test func pixelReferencesAreComputedOnceAndSharedThroughTheFolder() throws {
        let out = makeTemporaryFolder("shared-references")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let data = SyntheticShapes.dataset(trainCount: 400, testCount: 200)
        let evaluator = Evaluator(data: data, augmenter: Augmenter(backbone: .mlp, data: data))
        PixelBaselines.forgetCached()
        let before = PixelBaselines.computations(for: evaluator)
        let first = PixelBaselines.accuracies(for: evaluator, sharedIn: out)
        #expect(PixelBaselines.computations(for: evaluator) == before + 1)
        PixelBaselines.forgetCached()
        let second = PixelBaselines.accuracies(for: evaluator, sharedIn: out)
        #expect(second == first)
        #expect(PixelBaselines.computations(for: evaluator) == before + 1, "computed again although the folder held them")
        let file = try #require(FileManager.default.contents(atPath: out + "/" + PixelBaselines.fileName))
        let entries = try JSONDecoder().decode([String: ReferenceLines.Accuracies].self, from: file)
        #expect(entries.count == 1 && entries.values.first == first)
    }
}
