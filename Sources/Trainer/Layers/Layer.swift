import TensorCore

/// A learnable tensor and the gradient accumulated for it.
public final class Parameter {
    /// A short name for checkpoints and error messages ("linear.weight").
    public let name: String
    public let value: Tensor
    /// The gradient accumulated since the last `clearGradient()` (zeros right after it). A
    /// method, not a property: after a clear it writes the zeros the clear left pending.
    public func accumulatedGradient() -> Tensor {
        if isCleared {
            storage.zero()
            isCleared = false
        }
        return storage
    }
    /// Weights take weight decay and LARS adaptation; biases and BatchNorm affine
    /// parameters do not (the usual exclusion).
    public let isWeight: Bool
    private let storage: Tensor
    /// Set by `clearGradient()`: the stored values are stale and count as zeros.
    private var isCleared = false

    public init(name: String, shape: [Int], isWeight: Bool) {
        self.name = name
        self.value = Tensor(shape: shape)
        self.storage = Tensor(shape: shape)
        self.isWeight = isWeight
    }

    /// Starts a new gradient. Nothing is written until the next use: a product that adds into
    /// the gradient first (`gradientForProduct`) then overwrites it instead, so clearing
    /// costs no pass over the values.
    public func clearGradient() { isCleared = true }

    /// The gradient for a product C ← A·B + beta·C that adds into it, and that beta: 0 right
    /// after `clearGradient()` (the product overwrites the stale values), else 1.
    func gradientForProduct() -> (tensor: Tensor, beta: Float) {
        defer { isCleared = false }
        return (storage, isCleared ? 0 : 1)
    }
}

/// One differentiable stage of a network over a batch.
///
/// `forward` returns a tensor the layer owns and reuses; it stays valid until the next
/// forward call. `backward` takes the gradient of the loss with respect to that output,
/// adds the parameter gradients into each `Parameter`'s accumulated gradient, and returns the
/// gradient with respect to the input (also layer-owned), or nil when `needsInputGradient` is
/// false. A backward with no forward before it is a programming error and traps.
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
