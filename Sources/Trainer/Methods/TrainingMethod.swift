import TensorCore
import Vocabulary

/// One self-supervised (or supervised) method: how a batch of two views becomes a loss and
/// gradients, and what state it keeps beside the optimised parameters.
public protocol TrainingMethod: AnyObject {
    var kind: MethodKind { get }
    /// The network whose output is the representation that is evaluated.
    var backbone: Sequential { get }
    /// The head between the representation and the loss (the projector), if any: its
    /// output is where a self-supervised loss collapses first.
    var projector: Sequential? { get }
    /// Parameters the optimiser updates.
    var optimisedParameters: [Parameter] { get }
    /// Every tensor a checkpoint must hold to resume exactly (online and target weights,
    /// BatchNorm statistics, queues), in a fixed order.
    var stateTensors: [Tensor] { get }
    /// Integer state (queue position, queue labels), for checkpoints.
    var stateIntegers: [Int] { get set }

    /// Forward, loss and backward for `views` ([2N, pixels]: first views, then second
    /// views); gradients are added to the parameters. `labels` (N, one per image) feed
    /// only the measured Pr(ω|A) diagnostic, except for the supervised goal line.
    func computeGradients(views: Tensor, labels: ArraySlice<Int>) -> StepOutcome

    /// Called after each optimiser step with the run's progress in [0, 1]
    /// (momentum-network updates, queue maintenance).
    func afterUpdate(progress: Double)
}

extension TrainingMethod {
    public var projector: Sequential? { nil }
    public var stateIntegers: [Int] {
        get { [] }
        set {}
    }
    public func afterUpdate(progress: Double) {}
}

/// Builds the networks of a method for a backbone and data set.
public enum MethodFactory {
    public static func make(_ kind: MethodKind, settings: MethodSettings, backbone kindOfBackbone: Backbone,
                            imageSide: Int, channels: Int = 1, classCount: Int,
                            rng: inout RandomGenerator) -> TrainingMethod {
        let backbone = Architectures.backbone(kindOfBackbone, imageSide: imageSide, channels: channels, rng: &rng)
        let size = kindOfBackbone.representationSize
        switch kind {
        case .supervised:
            return SupervisedMethod(backbone: backbone, representationSize: size, classCount: classCount, rng: &rng)
        case .simclr:
            return SimCLRMethod(backbone: backbone, projector: Architectures.projector(inputs: size, rng: &rng),
                                temperature: settings.simclrTemperature)
        case .moco:
            return MoCoMethod(backbone: backbone, projector: Architectures.projector(inputs: size, rng: &rng),
                              settings: settings, rng: &rng)
        case .byol, .triplet:
            let projector = Architectures.projector(inputs: size, rng: &rng)
            let predictor = settings.predictor ? Architectures.predictor(rng: &rng) : Sequential([])
            return BootstrapMethod(kind: kind, backbone: backbone, projector: projector, predictor: predictor,
                                   settings: settings)
        }
    }
}

/// Row r of a [2N, d] tensor gets row (r + N) mod 2N of `source`: pairs each view with
/// the other view of the same image.
func swapViewHalves(_ source: Tensor, into destination: Tensor) {
    destination.resize(source.shape)
    let half = source.count / 2
    destination.data.update(from: source.data + half, count: half)
    (destination.data + half).update(from: source.data, count: half)
}
