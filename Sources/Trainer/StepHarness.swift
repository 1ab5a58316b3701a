import TensorCore

/// One method's training step on the reference workload, prepared once and run again and
/// again: what `TrainingRun.trainStep` does (two augmented views of the next batch, the
/// method's forward, loss and backward, SGD and the momentum network or queue), without a
/// run folder or schedule. Benchmarks time and count it phase by phase.
public final class StepHarness {
    public let method: MethodKind
    public let backbone: Backbone
    /// Images per step (two views each).
    public let batch: Int
    let trainer: TrainingMethod
    let optimizer: SGD
    let augmenter: Augmenter
    let data: Dataset
    let views = Tensor(shape: [0, 0])
    var draws: [AugmentationDraw] = []
    var rng: RandomGenerator
    var order: [Int]
    var labels: [Int]
    /// The images the method trains on.
    let images: ImageSet
    var cursor = 0
    var steps = 0

    public init(method: MethodKind = .byol, backbone: Backbone, batch: Int, data: Dataset, seed: UInt64 = 1) {
        self.method = method
        self.backbone = backbone
        self.batch = min(batch, data.trainingImages(supervised: method == .supervised).count)
        self.data = data
        rng = RandomGenerator(seed: seed)
        trainer = MethodFactory.make(method, settings: MethodSettings(), backbone: backbone,
                                     imageSide: data.side, channels: data.channels, classCount: data.classCount, rng: &rng)
        optimizer = SGD(parameters: trainer.optimisedParameters)
        augmenter = Augmenter(backbone: backbone, data: data)
        images = data.trainingImages(supervised: method == .supervised)
        order = Array(0..<images.count)
        rng.shuffle(&order)
        labels = [Int](repeating: 0, count: self.batch)
    }

    /// The two augmented views of the next batch (wrapping round the shuffled train set).
    public func augment() {
        if cursor + batch > order.count { cursor = 0 }
        let indices = order[cursor..<(cursor + batch)]
        for (i, index) in indices.enumerated() { labels[i] = images.labels[index] }
        augmenter.makeViews(of: images, indices: indices, into: views, draws: &draws, rng: &rng)
        cursor += batch
    }

    /// Forward, loss and backward of the method on the current views.
    @discardableResult
    public func gradients() -> StepOutcome {
        optimizer.zeroGradients()
        return trainer.computeGradients(views: views, labels: labels[...])
    }

    /// SGD at the reference learning rate, then the method's momentum network or queue.
    public func update() {
        optimizer.step(learningRate: RunConfig.referenceLearningRate(batch: batch))
        steps += 1
        trainer.afterUpdate(progress: min(1, Double(steps) / 1000))
    }

    /// One whole step.
    public func step() {
        augment()
        gradients()
        update()
    }
}
