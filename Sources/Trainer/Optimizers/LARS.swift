import TensorCore

/// Layer-wise adaptive rate scaling (You et al., 2017) on top of SGD with momentum.
///
/// For weights, the update is scaled by the trust ratio η‖w‖ / (‖g‖ + λ‖w‖); biases and
/// BatchNorm parameters are excluded from both the adaptation and the weight decay.
public final class LARS: Optimizer {
    public let parameters: [Parameter]
    public let momentum: Float
    public let weightDecay: Float
    public let trustCoefficient: Float
    private let velocities: [Tensor]

    public init(parameters: [Parameter], momentum: Float = 0.9, weightDecay: Float = 5e-4,
                trustCoefficient: Float = 0.001) {
        self.parameters = parameters
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.trustCoefficient = trustCoefficient
        velocities = parameters.map { Tensor(shape: $0.value.shape) }
    }

    public var state: [Tensor] { velocities }

    /// The factor applied to a parameter's learning rate (1 for excluded parameters).
    public func trustRatio(for p: Parameter) -> Float {
        guard p.isWeight else { return 1 }
        let n = p.value.count
        let weightNorm = BLAS.norm(count: n, p.value.data)
        let gradientNorm = BLAS.norm(count: n, p.accumulatedGradient().data)
        guard weightNorm > 0, gradientNorm > 0 else { return 1 }
        return trustCoefficient * weightNorm / (gradientNorm + weightDecay * weightNorm)
    }

    public func step(learningRate: Float) {
        for (p, v) in zip(parameters, velocities) {
            let ratio = trustRatio(for: p)
            let decay = p.isWeight ? weightDecay : 0
            let w = p.value.data, g = p.accumulatedGradient().data, m = v.data
            let scaled = learningRate * ratio
            for i in 0..<p.value.count {
                m[i] = momentum * m[i] + scaled * (g[i] + decay * w[i])
                w[i] -= m[i]
            }
        }
    }
}
