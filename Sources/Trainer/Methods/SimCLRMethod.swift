import TensorCore
import Vocabulary

/// SimCLR: NT-Xent over the normalised projections of both views.
public final class SimCLRMethod: TrainingMethod {
    public let kind = MethodKind.simclr
    public let backbone: Sequential
    private let encoder: Sequential
    private let normalise = L2Normalize()
    private let loss: NTXentLoss

    init(backbone: Sequential, projector: Sequential, temperature: Float) {
        self.backbone = backbone
        encoder = Sequential([backbone, projector])
        loss = NTXentLoss(temperature: temperature)
    }

    public var projector: Sequential? { encoder.layers.last as? Sequential }
    public var optimisedParameters: [Parameter] { encoder.parameters }
    public var stateTensors: [Tensor] { encoder.parameters.map(\.value) + encoder.buffers }

    public func computeGradients(views: Tensor, labels: ArraySlice<Int>) -> StepOutcome {
        let z = normalise.forward(encoder.forward(views, training: true), training: true)
        let value = loss(z, labels: labels)
        if let g = normalise.backward(loss.gradient, needsInputGradient: true) {
            _ = encoder.backward(g, needsInputGradient: false)
        }
        return StepOutcome(loss: value, prOmegaMeasured: loss.prOmegaMeasured)
    }
}
