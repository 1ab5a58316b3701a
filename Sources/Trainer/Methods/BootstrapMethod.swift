import Foundation
import TensorCore
import Vocabulary

/// The online/target pair of BYOL, shared by BYOL's regression loss and the truncated
/// triplet loss: online backbone + projector + predictor, target an EMA of backbone +
/// projector whose momentum rises from its base value to 1 on a cosine over the run.
public final class BootstrapMethod: TrainingMethod {
    public let kind: MethodKind
    public let backbone: Sequential
    private let encoder: Sequential
    private let predictor: Sequential
    private let online: Sequential
    private let target: Sequential
    private let baseMomentum: Float
    private let fixedMomentum: Bool
    private let normalise = L2Normalize()
    private let regression = NegativeCosineLoss()
    private let triplet: TruncatedTripletLoss
    private let targets = Tensor(shape: [0, 0])
    private let normalisedTargets = Tensor(shape: [0, 0])
    private let targetNorms = Tensor(shape: [0])

    init(kind: MethodKind, backbone: Sequential, projector: Sequential, predictor: Sequential,
         settings: MethodSettings) {
        self.kind = kind
        self.backbone = backbone
        encoder = Sequential([backbone, projector])
        self.predictor = predictor
        online = Sequential([encoder, predictor])
        target = MovingAverage.makeTarget(of: encoder)
        baseMomentum = settings.targetMomentum
        fixedMomentum = settings.fixedMomentum
        triplet = TruncatedTripletLoss(selection: settings.negativeSelection, gamma: settings.gamma, margin: settings.margin)
    }

    public var projector: Sequential? { encoder.layers.last as? Sequential }
    public var optimisedParameters: [Parameter] { online.parameters }
    public var stateTensors: [Tensor] {
        online.parameters.map(\.value) + online.buffers + target.parameters.map(\.value) + target.buffers
    }

    public func computeGradients(views: Tensor, labels: ArraySlice<Int>) -> StepOutcome {
        swapViewHalves(target.forward(views, training: true), into: targets)
        let prediction = online.forward(views, training: true)
        if kind == .byol {
            // Symmetrised: the sum of the two view orders, each a mean over N images.
            let value = 2 * regression(prediction: prediction, target: targets)
            BLAS.scale(count: regression.gradient.count, alpha: 2, x: regression.gradient.data)
            _ = online.backward(regression.gradient, needsInputGradient: false)
            return StepOutcome(loss: value)
        }
        let p = normalise.forward(prediction, training: true)
        normalisedTargets.resize(targets.shape)
        targetNorms.resize(count: targets.rows)
        Kernels.normaliseRows(targets.data, into: normalisedTargets.data, norms: targetNorms.data,
                              rows: targets.rows, columns: targets.rowSize)
        let value = triplet(predictions: p, targets: normalisedTargets, labels: labels)
        if let g = normalise.backward(triplet.gradient, needsInputGradient: true) {
            _ = online.backward(g, needsInputGradient: false)
        }
        return StepOutcome(loss: value, prOmegaMeasured: triplet.prOmegaMeasured)
    }

    /// τ = 1 − (1 − τ_base)·(cos(π·progress) + 1)/2 (or τ_base when fixed), then
    /// target ← τ·target + (1 − τ)·online.
    public func afterUpdate(progress: Double) {
        let momentum = fixedMomentum ? Double(baseMomentum) : 1 - (1 - Double(baseMomentum)) * (cos(Double.pi * progress) + 1) / 2
        MovingAverage.update(target: target, from: encoder, momentum: Float(momentum))
    }
}
