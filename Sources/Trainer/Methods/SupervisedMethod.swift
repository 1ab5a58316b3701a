import TensorCore
import Vocabulary

/// The goal line: a linear classifier on the backbone, trained with cross-entropy on the
/// same augmented views as the self-supervised methods.
public final class SupervisedMethod: TrainingMethod {
    public let kind = MethodKind.supervised
    public let backbone: Sequential
    let classifier: Linear
    private let network: Sequential
    private let loss = CrossEntropyLoss()

    init(backbone: Sequential, representationSize: Int, classCount: Int, rng: inout RandomGenerator) {
        self.backbone = backbone
        classifier = Linear(inputs: representationSize, outputs: classCount, rng: &rng)
        network = Sequential([backbone, classifier])
    }

    public var optimisedParameters: [Parameter] { network.parameters }
    public var stateTensors: [Tensor] { network.parameters.map(\.value) + network.buffers }

    public func computeGradients(views: Tensor, labels: ArraySlice<Int>) -> StepOutcome {
        let logits = network.forward(views, training: true)
        let n = labels.count, base = labels.startIndex
        let value = loss(logits) { labels[base + $0 % n] }
        _ = network.backward(loss.gradient, needsInputGradient: false)
        return StepOutcome(loss: value)
    }
}
