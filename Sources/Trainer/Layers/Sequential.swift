import TensorCore

/// Layers applied in order; the network type of the project.
public final class Sequential: Layer {
    public let layers: [Layer]

    /// Every layer's parameters and buffers, gathered once: layers keep the same objects for
    /// life, and the moving-average update reads these every step without allocating.
    public let parameters: [Parameter]
    public let buffers: [Tensor]

    public init(_ layers: [Layer]) {
        self.layers = layers
        parameters = layers.flatMap(\.parameters)
        buffers = layers.flatMap(\.buffers)
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        var x = input
        for layer in layers { x = layer.forward(x, training: training) }
        return x
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        var gradient = outputGradient
        for (index, layer) in layers.enumerated().reversed() {
            let isFirst = index == 0
            guard let next = layer.backward(gradient, needsInputGradient: !isFirst || needsInputGradient) else {
                return nil
            }
            gradient = next
        }
        return gradient
    }

    public func copy() -> Layer { Sequential(layers.map { $0.copy() }) }

    /// A copy of this network, typed as one.
    public func copyNetwork() -> Sequential { Sequential(layers.map { $0.copy() }) }

    /// Sets every parameter gradient to zero.
    public func zeroGradients() {
        for p in parameters { p.clearGradient() }
    }

    /// Total number of learnable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}
