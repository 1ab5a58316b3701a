import TensorCore

/// max(0, x), elementwise.
public final class ReLU: Layer {
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    public init() {}

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output.resize(input.shape)
        let x = input.data, y = output.data
        for i in 0..<input.count { y[i] = max(x[i], 0) }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        inputGradient.resize(output.shape)
        let y = output.data, dy = outputGradient.data, dx = inputGradient.data
        for i in 0..<output.count { dx[i] = y[i] > 0 ? dy[i] : 0 }
        return inputGradient
    }

    public func copy() -> Layer { ReLU() }
}
