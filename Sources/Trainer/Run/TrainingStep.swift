import TensorCore
import Vocabulary

/// One training step of a method, the one that runs train and `bench-step` times: the two
/// augmented views of a batch, the method's forward, loss and backward, then SGD and the
/// method's momentum network or queue. Its workspaces (views, draws, labels) are reused from
/// step to step, so that after the first step it allocates nothing.
public final class TrainingStep {
    let method: TrainingMethod
    let optimizer: SGD
    let augmenter: Augmenter
    private let views = Tensor(shape: [0, 0])
    private var draws: [AugmentationDraw] = []
    private var labels: [Int] = []

    /// The method, optimiser and augmentation of `config` on `data`; the method's weights are
    /// drawn from `rng`, as a run's are.
    init(config: RunConfig, data: Dataset, rng: inout RandomGenerator) {
        method = MethodFactory.make(config.method, settings: config.settings, backbone: config.backbone,
                                    imageSide: data.side, channels: data.channels, classCount: data.classCount, rng: &rng)
        optimizer = SGD(parameters: method.optimisedParameters, momentum: 0.9, weightDecay: config.weightDecay)
        augmenter = Augmenter(backbone: config.backbone, data: data)
    }

    /// Draws the two augmented views of the images at `indices`, and keeps their labels (the
    /// supervised loss and the measured Pr(ω|A) read them).
    func augment(_ images: ImageSet, indices: ArraySlice<Int>, rng: inout RandomGenerator) {
        augmenter.makeViews(of: images, indices: indices, into: views, draws: &draws, rng: &rng)
        if labels.count != indices.count { labels = [Int](repeating: 0, count: indices.count) }
        for (i, index) in indices.enumerated() { labels[i] = images.labels[index] }
    }

    /// The method's forward, loss and backward on the current views, from cleared gradients.
    func gradients() -> StepOutcome {
        optimizer.zeroGradients()
        return method.computeGradients(views: views, labels: labels[...])
    }

    /// SGD at `learningRate`, then the method's momentum network or queue at `progress`
    /// (the share of the run's steps done, which raises the target momentum).
    func update(learningRate: Float, progress: Double) {
        optimizer.step(learningRate: learningRate)
        method.afterUpdate(progress: progress)
    }
}
