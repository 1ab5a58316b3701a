import TensorCore

/// A learnable tensor and the gradient accumulated for it.
public final class Parameter {
    /// A short name for checkpoints and error messages ("linear.weight").
    public let name: String
    public let value: Tensor
    public let gradient: Tensor
    /// Weights take weight decay and LARS adaptation; biases and BatchNorm affine
    /// parameters do not (the usual exclusion).
    public let isWeight: Bool

    public init(name: String, shape: [Int], isWeight: Bool) {
        self.name = name
        self.value = Tensor(shape: shape)
        self.gradient = Tensor(shape: shape)
        self.isWeight = isWeight
    }
}

/// One differentiable stage of a network over a batch.
///
/// `forward` returns a tensor the layer owns and reuses; it stays valid until the next
/// forward call. `backward` takes the gradient of the loss with respect to that output,
/// adds the parameter gradients into `Parameter.gradient`, and returns the gradient with
/// respect to the input (also layer-owned), or nil when `needsInputGradient` is false.
public protocol Layer: AnyObject {
    /// Learnable parameters, in a fixed order.
    var parameters: [Parameter] { get }
    /// Non-learned state that travels with the weights (BatchNorm running statistics).
    var buffers: [Tensor] { get }
    func forward(_ input: Tensor, training: Bool) -> Tensor
    func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor?
    /// A fresh layer of the same architecture holding copies of this one's values.
    func copy() -> Layer
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [Tensor] { [] }
}

extension Parameter {
    /// A copy with the same name, flags and value; the gradient starts at zero.
    func copy() -> Parameter {
        let result = Parameter(name: name, shape: value.shape, isWeight: isWeight)
        result.value.copy(from: value)
        return result
    }
}

/// Fills `tensor` uniformly in [-bound, bound], PyTorch's default for linear and conv layers.
func initialiseUniform(_ tensor: Tensor, bound: Float, rng: inout RandomGenerator) {
    for i in 0..<tensor.count { tensor[i] = rng.uniform(-bound, bound) }
}
