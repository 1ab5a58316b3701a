import CKernels
import TensorCore

/// max(0, x), elementwise.
public final class ReLU: Layer {
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])

    public init() {}

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output.resize(input.shape)
        wb_relu_forward(input.data, output.data, Int64(input.count))
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        inputGradient.resize(output.shape)
        wb_relu_backward(output.data, outputGradient.data, inputGradient.data, Int64(output.count))
        return inputGradient
    }

    public func copy() -> Layer { ReLU() }
}
