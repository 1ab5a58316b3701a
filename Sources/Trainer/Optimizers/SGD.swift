import CKernels
import TensorCore

/// Stochastic gradient descent with momentum and decoupled-from-BN weight decay
/// (PyTorch's convention: g ← g + λw on weights only; v ← μv + g; w ← w − η·v).
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public let momentum: Float
    public let weightDecay: Float
    private let velocities: [Tensor]

    public init(parameters: [Parameter], momentum: Float = 0.9, weightDecay: Float = 5e-4) {
        self.parameters = parameters
        self.momentum = momentum
        self.weightDecay = weightDecay
        velocities = parameters.map { Tensor(shape: $0.value.shape) }
    }

    public var state: [Tensor] { velocities }

    public func step(learningRate: Float) {
        for (p, v) in zip(parameters, velocities) {
            wb_sgd_momentum(p.value.data, p.accumulatedGradient().data, v.data, Int64(p.value.count), momentum,
                            p.isWeight ? weightDecay : 0, learningRate)
        }
    }
}
