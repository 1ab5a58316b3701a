import TensorCore

/// Updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
    /// The parameters, in a fixed order.
    var parameters: [Parameter] { get }
    /// Per-parameter state (momentum buffers), in the order of `parameters`, for checkpoints.
    var state: [Tensor] { get }
    /// One update with learning rate `learningRate`; gradients are left as they are.
    func step(learningRate: Float)
}

extension Optimizer {
    /// Sets every gradient to zero, ready for the next step.
    public func zeroGradients() {
        for p in parameters { p.clearGradient() }
    }
}
