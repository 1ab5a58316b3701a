import TensorCore
import Vocabulary

/// One method's training step on the reference workload, prepared once and run again and
/// again: the `TrainingStep` a run of the same config trains, at the learning rate and
/// momentum its schedule gives, over the shuffled train set without epochs, a run folder or
/// evaluation. Benchmarks time and count it phase by phase.
public final class StepHarness {
    public let method: MethodKind
    public let backbone: Backbone
    /// Images per step (two views each).
    public let batch: Int
    let config: RunConfig
    let trainingStep: TrainingStep
    let schedule: CosineSchedule
    let stepsPerEpoch: Int
    var rng: RandomGenerator
    var order: [Int]
    /// The images the method trains on.
    let images: ImageSet
    var cursor = 0
    var steps = 0

    /// A run of `method` on `data` at the reference settings, with `batch` images per step
    /// (fewer when the train set is smaller).
    public init(method: MethodKind = .byol, backbone: Backbone, batch: Int, data: Dataset, seed: UInt64 = 1) {
        self.method = method
        self.backbone = backbone
        images = data.trainingImages(supervised: method == .supervised)
        self.batch = min(batch, images.count)
        config = RunConfig(method: method, backbone: backbone, data: data.name, trainLimit: nil, epochs: nil,
                           batch: self.batch, learningRate: nil, seed: seed)
        rng = RandomGenerator(seed: seed)
        trainingStep = TrainingStep(config: config, data: data, rng: &rng)
        schedule = TrainingRun.schedule(config, trainingImages: images.count)
        stepsPerEpoch = images.count / self.batch
        order = Array(0..<images.count)
        rng.shuffle(&order)
    }

    /// The two augmented views of the next batch (wrapping round the shuffled train set).
    public func augment() {
        if cursor + batch > order.count { cursor = 0 }
        trainingStep.augment(images, indices: order[cursor..<(cursor + batch)], rng: &rng)
        cursor += batch
    }

    /// Forward, loss and backward of the method on the current views.
    @discardableResult
    public func gradients() -> StepOutcome { trainingStep.gradients() }

    /// SGD at the schedule's learning rate, then the method's momentum network or queue
    /// (the schedule wraps round at the run's last step, so a long benchmark never reaches
    /// the rate 0 of a finished run).
    public func update() {
        let total = max(1, stepsPerEpoch * config.epochs)
        let rate = schedule.rate(at: steps % total)
        steps += 1
        trainingStep.update(learningRate: rate, progress: TrainingRun.progress(afterStep: (steps - 1) % total + 1, config, stepsPerEpoch: stepsPerEpoch))
    }

    /// One whole step.
    public func step() {
        augment()
        gradients()
        update()
    }
}
