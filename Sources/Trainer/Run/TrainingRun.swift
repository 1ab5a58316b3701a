import Evaluation
import Foundation
import TensorCore
import Vocabulary

/// One method trained on one data set, epoch by epoch, with its run folder kept current:
/// after every epoch the metrics row, the record and a checkpoint are written, so the run
/// can be killed at any moment and resumed from its last complete epoch.
public final class TrainingRun {
    public let config: RunConfig
    public let folder: RunFolder
    public let data: Dataset
    /// Held while this object lives: no other process trains in `folder` meanwhile.
    private let lock: RunFolderLock
    public private(set) var record: RunRecord
    public private(set) var metrics: [EpochMetrics] = []
    /// The step every epoch repeats (method, optimiser, augmentation and their workspaces).
    let step: TrainingStep
    var method: TrainingMethod { step.method }
    var optimizer: SGD { step.optimizer }
    var augmenter: Augmenter { step.augmenter }
    let schedule: CosineSchedule
    private(set) var evaluator: Evaluator
    var rng: RandomGenerator
    var globalStep = 0
    var wallSeconds = 0.0
    private var order: [Int]
    /// What this run trains on (for self-supervised runs on STL-10, perhaps the unlabeled
    /// split, whose labels are −1), and whether every one of its images has a label: the
    /// measured same-class share needs labels.
    private let trainingImages: ImageSet
    private let labelled: Bool

    /// Images per step times steps per epoch: the last partial batch is dropped.
    public var stepsPerEpoch: Int { trainingImages.count / config.batch }
    /// The epoch `advance` will produce next (0: the evaluation at initialisation).
    public var nextEpoch: Int { (metrics.last?.epoch ?? -1) + 1 }
    public var isFinished: Bool { record.status != .running || nextEpoch > config.epochs }

    /// Prepares a run in `folder`. A folder that already holds a run is refused unless
    /// `resume` is set and its config is the same; then the run continues from its checkpoint.
    /// - Parameter lock: the folder's lock when the caller took it already (sharing an
    ///   experiment with other processes); otherwise it is taken here.
    public init(config: RunConfig, data: Dataset, folder: RunFolder, resume: Bool, lock: RunFolderLock? = nil) throws(RunError) {
        let images = data.trainingImages(supervised: config.method == .supervised)
        let problems = config.problems(trainCount: images.count, imageSide: data.side)
        if let first = problems.first { throw RunError(first) }
        if let problem = MemoryBudget.problem([config], data: data) { throw RunError(problem) }
        // Before anything in the folder is read or tidied: another process may be training it.
        if let lock { self.lock = lock } else { self.lock = try RunFolderLock.acquire(folder: folder.path) }
        self.config = config
        self.folder = folder
        self.data = data
        trainingImages = images
        labelled = images.labels.allSatisfy { $0 >= 0 }
        rng = RandomGenerator(seed: config.seed)
        step = TrainingStep(config: config, data: data, rng: &rng)
        schedule = Self.schedule(config, trainingImages: images.count)
        evaluator = Evaluator(data: data, augmenter: step.augmenter)
        order = Array(0..<images.count)
        record = RunRecord(name: config.name, config: config, dataSet: data.name, dataChecksum: data.checksum,
                           trainImages: data.train.count, testImages: data.test.count)
        let splits = config.method == .supervised ? TrainingSplits.train : data.selfSupervisedSplits
        record.data = DataDescription(data: data, trainedOn: splits, trainingImages: images.count, augmentation: augmenter.recipe.name)
        var evaluation = evaluator.evaluationProtocol(dimension: config.backbone.representationSize, probeEvery: config.probeEvery)
        evaluation.trainedOn = Self.trainedOnDescription(splits, data: data, images: images.count)
        evaluation.images = "\(data.shape.description), normalised per channel with the train split's mean and std"
        record.evaluation = evaluation
        // Temporaries of a killed process, even one killed before its first run.json landed.
        AtomicFile.removeLeftovers(in: folder.path)
        if folder.exists {
            let existing = try folder.readRecord()
            guard existing.config == config else {
                let keys = config.differences(from: existing.config)
                var hint = "choose another --out or remove the folder"
                if keys == ["epochs"] && config.epochs > existing.config.epochs && config.method == .triplet {
                    hint = "to train it longer, fork it: workbench train --fork \(folder.path) --epochs \(config.epochs) (the fork keeps its schedule's new length)"
                } else if keys == ["epochs"] && config.epochs > existing.config.epochs {
                    hint = "a finished schedule cannot be lengthened (its cosine decay ended at epoch \(existing.config.epochs)); train a new run with --epochs \(config.epochs) in another --out"
                }
                throw RunError("\(folder.recordPath): holds a run with a different config (\(config.describeDifferences(from: existing.config))); \(hint)")
            }
            guard resume else {
                throw RunError("\(folder.path): already holds this run; pass --resume to continue it, or choose another --out")
            }
            guard existing.dataChecksum == data.checksum else {
                throw RunError("\(folder.recordPath): was trained on different data (checksum \(existing.dataChecksum), now \(data.checksum))")
            }
            try restore(from: existing)
            // Saved when this process trains its first step: one that trains nothing leaves
            // no trace, and whoever watches the run sees at once who trains it now.
            if !isFinished {
                noteThisProcess()
                unsavedResume = true
            }
        } else if let fork = config.fork {
            try start(from: fork)
        } else {
            noteThisProcess()
            try folder.create()
            try folder.write(record)
        }
    }

    /// The learning rate of every step of a run of `config`: warm-up over the first epoch,
    /// then cosine decay to 0 at the last.
    static func schedule(_ config: RunConfig, trainingImages: Int) -> CosineSchedule {
        let steps = trainingImages / config.batch
        return CosineSchedule(baseRate: config.learningRate, warmupSteps: steps, totalSteps: steps * config.epochs)
    }

    /// The share of a run's steps done after its `step`-th (what raises the target momentum).
    static func progress(afterStep step: Int, _ config: RunConfig, stepsPerEpoch: Int) -> Double {
        Double(step) / Double(max(1, stepsPerEpoch * config.epochs))
    }

    /// "the labelled train split (50,000 images)", "the unlabeled split (100,000 images)", ….
    static func trainedOnDescription(_ splits: TrainingSplits, data: Dataset, images: Int) -> String {
        switch splits {
        case .train: "the labelled train split (\(images) images)"
        case .unlabeled: "the unlabeled split (\(images) images); kNN and the probe still use the labelled train split"
        case .trainAndUnlabeled: "the labelled train and the unlabeled split (\(images) images); kNN and the probe use the labelled train split"
        }
    }

    /// Adds this process (build, BLAS, threads) to the record's list of trainers.
    private func noteThisProcess() {
        let segment = TrainingSegment(fromEpoch: nextEpoch, programVersion: WorkbenchVersion.current,
                                      blas: "\(BLAS.library) \(BLAS.coreName)", threads: BLAS.threadCount, startedAt: Date())
        record.trainedBy = (record.trainedBy ?? []) + [segment]
    }

    /// The backbone's representations (evaluation mode) of every train and test image at the
    /// current weights: what the end-of-epoch evaluation classifies.
    public func representations() -> (train: [Float], test: [Float], dimension: Int) {
        let input = Tensor(shape: [0, 0])
        return (evaluator.representations(of: method.backbone, set: data.train, input: input),
                evaluator.representations(of: method.backbone, set: data.test, input: input),
                config.backbone.representationSize)
    }

    /// Evaluates the current weights as `finishEpoch` does, writing nothing (for `bench-eval`).
    public func evaluateAgain(into row: inout EpochMetrics, timings: inout EvaluationTimings) {
        evaluator.evaluate(method.backbone, projector: method.projector, dimension: config.backbone.representationSize,
                           into: &row, timings: &timings)
    }

    /// A triplet run with other truncation settings, starting from `parent`'s latest
    /// checkpoint (which must be at `epoch` when given): same weights, optimiser state,
    /// random state and epoch numbering, so the two curves differ only by the setting.
    public static func fork(parent: RunFolder, epoch: Int?, skip: Int, deputies: Int, gamma: Float, epochs: Int?,
                            data: Dataset, out: String, resume: Bool = false) throws(RunError) -> TrainingRun {
        if let problem = RunFolder.outputProblem(out) { throw RunError(problem) }
        let config = try forkConfig(parent: parent, epoch: epoch, skip: skip, deputies: deputies, gamma: gamma, epochs: epochs)
        return try TrainingRun(config: config, data: data, folder: RunFolder(path: out + "/" + config.name), resume: resume)
    }

    /// The config (and so the name) of the run `fork` would start, checked against the
    /// parent's record and checkpoint, without touching the fork's folder.
    public static func forkConfig(parent: RunFolder, epoch: Int?, skip: Int, deputies: Int, gamma: Float,
                                  epochs: Int?) throws(RunError) -> RunConfig {
        let record = try parent.readRecord()
        guard record.config.method == .triplet else {
            throw RunError("\(parent.path): is a \(record.config.method.rawValue) run; only triplet runs fork (their truncation setting changes)")
        }
        guard let checkpoint = try parent.readCheckpoint() else { throw RunError("\(parent.checkpointPath): no checkpoint to fork from") }
        if let epoch, epoch != checkpoint.epoch {
            throw RunError("\(parent.path)@\(epoch): only epoch \(checkpoint.epoch), the latest, has a checkpoint to fork from")
        }
        var config = record.config
        config.settings.skip = skip
        config.settings.deputies = deputies
        config.settings.gamma = gamma
        config.settings.medianNegative = false
        if let epochs { config.epochs = epochs }
        // A fork with its parent's own settings would repeat the parent, and read as a second seed.
        guard config.settings != record.config.settings || config.epochs != record.config.epochs else {
            throw RunError("\(parent.path): skip \(skip), deputies \(deputies), gamma \(gamma) are the parent's own settings; a fork must change one (--skip, --deputies, --gamma) or train longer (--epochs)")
        }
        guard config.epochs > checkpoint.epoch else {
            throw RunError("the fork starts after epoch \(checkpoint.epoch) and would train nothing; give --epochs above \(checkpoint.epoch)")
        }
        config.fork = ForkOrigin(parentFolder: parent.path, parentName: record.name, epoch: checkpoint.epoch)
        return config
    }

    /// Fills a new fork's folder from its parent: the parent's rows up to the fork epoch,
    /// its references, and the networks and optimiser of its checkpoint.
    private func start(from fork: ForkOrigin) throws(RunError) {
        let parent = RunFolder(path: fork.parentFolder)
        guard let checkpoint = try parent.readCheckpoint(), checkpoint.epoch == fork.epoch else {
            throw RunError("\(parent.checkpointPath): is no longer at epoch \(fork.epoch); fork from its latest epoch")
        }
        let parentRecord = try parent.readRecord()
        guard parentRecord.dataChecksum == data.checksum else {
            throw RunError("\(parent.path): was trained on different data than this fork")
        }
        try load(checkpoint)
        metrics = try parent.readMetrics().filter { $0.epoch <= fork.epoch }
        record.epochsCompleted = fork.epoch
        references = parent.readReferences()
        noteThisProcess()
        try folder.create()
        try folder.writeMetrics(metrics, run: config.name, method: config.method)
        try folder.write(makeCheckpoint(epoch: fork.epoch))
        if let references { try folder.write(references) }
        try folder.write(record)
    }

    /// The epoch being trained: its position and running sums.
    struct EpochProgress {
        var step = 0
        var lossSum = 0.0, shareSum = 0.0, shareCount = 0
        var trainSeconds = 0.0
        var lastLoss: Float?
    }
    private var progress: EpochProgress?
    /// Resumed, with this process added to `record.trainedBy`, but not yet written.
    private var unsavedResume = false

    /// Steps done in the epoch being trained (0 between epochs).
    public var stepInEpoch: Int { progress?.step ?? 0 }
    /// Loss of the latest step.
    public var lastStepLoss: Float? { progress?.lastLoss }

    /// Runs the next epoch (epoch 0: evaluation only), writes its results, and returns them.
    /// A loss that is not finite marks the run `diverged` and throws.
    /// - Parameter onStep: called after each step with (step, steps per epoch).
    /// - Parameter stop: asked before each step; when it answers true the epoch is left
    ///   unfinished (nothing of it is saved) and nil is returned.
    @discardableResult
    public func advance(until stop: () -> Bool = { false }, onStep: (Int, Int) -> Void = { _, _ in }) throws(RunError) -> EpochMetrics? {
        while !stop() {
            guard try trainStep() else { return try finishEpoch() }
            onStep(stepInEpoch, stepsPerEpoch)
        }
        return nil
    }

    /// Trains one step of the next epoch, starting the epoch when needed. Returns false once
    /// the epoch has no steps left (always for epoch 0); then call `finishEpoch`.
    public func trainStep() throws(RunError) -> Bool {
        let epoch = nextEpoch
        guard epoch > 0 else { return false }
        if progress == nil {
            if unsavedResume {
                unsavedResume = false
                try folder.write(record)
            }
            // Shuffle a fresh identity order, so the epoch depends only on the saved RNG state.
            for i in order.indices { order[i] = i }
            rng.shuffle(&order)
            progress = EpochProgress()
        }
        guard var p = progress, p.step < stepsPerEpoch else { return false }
        let started = Date()
        let n = config.batch, steps = stepsPerEpoch
        let indices = order[(p.step * n)..<((p.step + 1) * n)]
        step.augment(trainingImages, indices: indices, rng: &rng)
        let outcome = step.gradients()
        guard outcome.loss.isFinite else {
            try diverge(at: epoch, loss: Double(outcome.loss), message: "loss became \(outcome.loss.isNaN ? "NaN" : "infinite") at epoch \(epoch), step \(p.step + 1) (learning rate \(config.learningRate)); run stopped")
        }
        let rate = schedule.rate(at: globalStep)
        globalStep += 1
        step.update(learningRate: rate, progress: Self.progress(afterStep: globalStep, config, stepsPerEpoch: steps))
        p.lossSum += Double(outcome.loss)
        p.lastLoss = outcome.loss
        if labelled, let share = outcome.prOmegaMeasured, share.isFinite {
            p.shareSum += Double(share)
            p.shareCount += 1
        }
        p.step += 1
        p.trainSeconds += Date().timeIntervalSince(started)
        progress = p
        return p.step < steps
    }

    /// Evaluates the network after the epoch's steps, writes the metrics row, the class
    /// distances, the checkpoint and the record, and returns the row.
    @discardableResult
    public func finishEpoch() throws(RunError) -> EpochMetrics {
        let started = Date()
        let epoch = nextEpoch
        var row = EpochMetrics(epoch: epoch)
        row.prOmegaAnalytic = analyticFalseNegativeProbability
        if epoch > 0, let p = progress {
            row.loss = p.lossSum / Double(max(p.step, 1))
            row.prOmegaMeasured = p.shareCount > 0 ? p.shareSum / Double(p.shareCount) : nil
            row.imagesPerSecond = Double(p.step * config.batch) / max(p.trainSeconds, 1e-9)
            row.trainSeconds = p.trainSeconds
            wallSeconds += p.trainSeconds
        }
        progress = nil
        let distances = evaluator.evaluate(method.backbone, projector: method.projector, dimension: config.backbone.representationSize,
                                           probing: config.probesLinear(at: epoch), into: &row)
        if let std = row.repStd, !std.isFinite {
            // Finite losses, non-finite weights (a step too large in the epoch's last steps):
            // the evaluation measured nothing, so the epoch is recorded as diverged, not done.
            try diverge(at: epoch, loss: row.loss, message: "the network's weights became non-finite during epoch \(epoch) (its representations are NaN; learning rate \(config.learningRate)); run stopped")
        }
        row.evalSeconds = Date().timeIntervalSince(started)
        wallSeconds += Date().timeIntervalSince(started)
        row.wallSeconds = wallSeconds
        metrics.append(row)
        do {
            try folder.writeMetrics(metrics, run: config.name, method: config.method)
            try folder.writeCentreDistances(distances, classNames: data.classNames)
            try folder.write(makeCheckpoint(epoch: epoch))
            if epoch == 0 || references == nil { try writeReferences() }
            record.epochsCompleted = epoch
            if epoch >= config.epochs {
                record.status = .done
                record.endedAt = Date()
            }
            try folder.write(record)
        } catch {
            try stop(.failed, message: "\(error.description); run stopped at epoch \(epoch), what was written before is kept")
        }
        return row
    }

    /// The reference lines of this run's plots (raw pixels; the network at epoch 0).
    public private(set) var references: ReferenceLines?

    /// The output folder this run's folder is in, where runs share their pixel references.
    private var sharedFolder: String {
        let parent = (folder.path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    private func writeReferences() throws(RunError) {
        let start = metrics.first { $0.epoch == 0 }
        let lines = ReferenceLines(dataSet: data.name, dataChecksum: data.checksum, backbone: config.backbone,
                                   pixels: PixelBaselines.accuracies(for: evaluator, sharedIn: sharedFolder),
                                   randomInit: start.flatMap { row in
                                       row.knnTop1.flatMap { knn in row.linearTop1.map { ReferenceLines.Accuracies(knn: knn, linear: $0) } }
                                   })
        try folder.write(lines)
        references = lines
    }

    /// Marks the run as ended early (stopped by the user, or diverged) and records why.
    /// Records in run.json that the run ended with `status`; throws when run.json cannot be
    /// written (the run then reads as it was in its last written state, which `--resume` takes).
    public func markEnded(_ status: RunStatus, message: String) throws(RunError) {
        record.status = status
        record.message = message
        record.endedAt = Date()
        progress = nil
        do { try folder.write(record) } catch {
            throw RunError("\(config.name): \(message), but its run.json could not record it: \(error.description)")
        }
    }

    /// Adds `epoch`'s row marked diverged (with its loss, no evaluation), marks the run
    /// diverged and throws the reason.
    private func diverge(at epoch: Int, loss: Double?, message: String) throws(RunError) -> Never {
        var row = EpochMetrics(epoch: epoch)
        row.loss = loss
        row.diverged = true
        do { try folder.writeMetrics(metrics + [row], run: config.name, method: config.method) } catch {
            try stop(.diverged, message: "\(message) (its diverged row could not be written: \(error.description))")
        }
        try stop(.diverged, message: message)
    }

    /// Marks the run as ended early and throws the reason.
    public func stop(_ status: RunStatus, message: String) throws(RunError) -> Never {
        try markEnded(status, message: message)
        throw RunError("\(config.name): \(message)")
    }

    /// Pr(ω|A) of this method's own setting (nil for methods without negatives).
    public var analyticFalseNegativeProbability: Double? {
        let classes = data.classCount, n = config.batch
        switch config.method {
        case .triplet:
            let skip = config.settings.negativeSelection.ranks(candidates: n - 1).lowerBound
            return ClusteringDiagnostics.deputyFalseNegativeProbability(candidates: n - 1, classes: classes, skip: skip)
        case .simclr:
            return ClusteringDiagnostics.anyFalseNegativeProbability(candidates: 2 * n - 2, classes: classes)
        case .moco:
            return ClusteringDiagnostics.anyFalseNegativeProbability(candidates: config.settings.queueSize, classes: classes)
        case .byol, .supervised:
            return nil
        }
    }

    private func tensors() -> [Tensor] { method.stateTensors + optimizer.state }

    private func makeCheckpoint(epoch: Int) throws(RunError) -> Checkpoint {
        let configJSON: Data
        do { configJSON = try JSONEncoder().encode(config) } catch { throw RunError("cannot encode the run config") }
        return Checkpoint(epoch: epoch, globalStep: globalStep, wallSeconds: wallSeconds, rngState: rng.stateWords,
                          configJSON: configJSON, tensors: tensors().map(\.array), integers: method.stateIntegers)
    }

    private func restore(from existing: RunRecord) throws(RunError) {
        record = existing
        // Resumed by a newer build, a run goes on with the probe its earlier epochs were scored by.
        if let text = existing.evaluation?.linearProbe, let probe = LinearProbe(described: text) { evaluator.probe = probe }
        guard let checkpoint = try folder.readCheckpoint() else {
            // Killed before epoch 0 was saved: start from scratch.
            record.status = .running
            return
        }
        // The checkpoint must be this run's: one copied from another folder (another seed) has
        // the same networks but other weights, and would continue under this run.json.
        let saved: RunConfig
        do { saved = try JSONDecoder().decode(RunConfig.self, from: checkpoint.configJSON) } catch {
            throw RunError("\(folder.checkpointPath): its config cannot be read; it is not this run's checkpoint")
        }
        guard saved == config else {
            throw RunError("\(folder.checkpointPath): belongs to another run (its config differs from run.json's: \(config.describeDifferences(from: saved))); remove it to start the run again, or put back the run's own")
        }
        try load(checkpoint)
        let rows = try folder.readMetrics()
        // Epochs in order, 0, 1, 2, … : a hand-edited or merged file must not resume in disorder.
        if let bad = rows.indices.first(where: { rows[$0].epoch != $0 }) {
            throw RunError("\(folder.metricsPath): row \(bad + 2) is epoch \(rows[bad].epoch) where epoch \(bad) belongs; epochs must run 0, 1, 2, … in order")
        }
        let savedRows = rows.filter { $0.epoch <= checkpoint.epoch }
        guard savedRows.count == checkpoint.epoch + 1 else {
            throw RunError("\(folder.metricsPath): has \(savedRows.count) epochs but the checkpoint is at epoch \(checkpoint.epoch)")
        }
        metrics = savedRows
        record.epochsCompleted = checkpoint.epoch
        if record.status != .done || checkpoint.epoch < config.epochs {
            record.status = .running
            record.message = nil
            record.endedAt = nil
        }
    }

    /// Puts a checkpoint's networks, optimiser, random and step state in place.
    private func load(_ checkpoint: Checkpoint) throws(RunError) {
        let targets = tensors()
        guard checkpoint.tensors.count == targets.count,
              zip(checkpoint.tensors, targets).allSatisfy({ $0.count == $1.count }) else {
            throw RunError("\(folder.checkpointPath): does not match the networks of this config")
        }
        for (values, tensor) in zip(checkpoint.tensors, targets) {
            values.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { tensor.data.update(from: base, count: values.count) }
            }
        }
        method.stateIntegers = checkpoint.integers
        references = folder.readReferences()
        rng = RandomGenerator(state: checkpoint.rngState)
        globalStep = checkpoint.globalStep
        wallSeconds = checkpoint.wallSeconds
    }
}
