import TensorCore

/// Fully connected layer: y = x · Wᵀ + b, for x of shape [N, inputs].
public final class Linear: Layer {
    public let inputs: Int
    public let outputs: Int
    public let weight: Parameter
    public let bias: Parameter?
    private let output = Tensor(shape: [0, 0])
    private let inputGradient = Tensor(shape: [0, 0])
    private var savedInput: Tensor?

    /// A layer initialised like PyTorch's `nn.Linear` (uniform ±1/√inputs).
    /// Leave out the bias when a BatchNorm follows, which would cancel it.
    public init(inputs: Int, outputs: Int, bias: Bool = true, rng: inout RandomGenerator) {
        self.inputs = inputs
        self.outputs = outputs
        weight = Parameter(name: "linear.weight", shape: [outputs, inputs], isWeight: true)
        self.bias = bias ? Parameter(name: "linear.bias", shape: [outputs], isWeight: false) : nil
        let bound = 1 / Float(inputs).squareRoot()
        initialiseUniform(weight.value, bound: bound, rng: &rng)
        if let b = self.bias { initialiseUniform(b.value, bound: bound, rng: &rng) }
    }

    private init(copying other: Linear) {
        inputs = other.inputs
        outputs = other.outputs
        weight = other.weight.copy()
        bias = other.bias?.copy()
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let n = input.rows
        savedInput = input
        output.resize(rows: n, columns: outputs)
        if let bias {
            for r in 0..<n { (output.data + r * outputs).update(from: bias.value.data, count: outputs) }
        }
        BLAS.gemm(transposeB: true, m: n, n: outputs, k: inputs,
                  a: input.data, b: weight.value.data, beta: bias == nil ? 0 : 1, c: output.data)
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard let input = savedInput else { preconditionFailure("Linear.backward called before forward") }
        let n = input.rows
        // dW += dYᵀ · X (dW = dYᵀ · X when the gradient was just cleared)
        let (dW, beta) = weight.gradientForProduct()
        BLAS.gemm(transposeA: true, m: outputs, n: inputs, k: n,
                  a: outputGradient.data, b: input.data, beta: beta, c: dW.data)
        if let bias {
            let g = bias.accumulatedGradient().data
            for r in 0..<n {
                let row = outputGradient.data + r * outputs
                for j in 0..<outputs { g[j] += row[j] }
            }
        }
        guard needsInputGradient else { return nil }
        inputGradient.resize(input.shape)
        // dX = dY · W
        BLAS.gemm(m: n, n: inputs, k: outputs, a: outputGradient.data, b: weight.value.data,
                  c: inputGradient.data)
        return inputGradient
    }

    public func copy() -> Layer { Linear(copying: self) }
}
