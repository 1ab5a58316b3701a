import TensorCore

/// Scales each row to unit Euclidean length: y = x / ‖x‖.
public final class L2Normalize: Layer {
    private let output = Tensor(shape: [0, 0])
    private let inputGradient = Tensor(shape: [0, 0])
    private let norms = Tensor(shape: [0])

    public init() {}

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output.resize(input.shape)
        norms.resize(count: input.rows)
        Kernels.normaliseRows(input.data, into: output.data, norms: norms.data,
                              rows: input.rows, columns: input.rowSize)
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        inputGradient.resize(output.shape)
        let d = output.rowSize
        for r in 0..<output.rows {
            let y = output.data + r * d, dy = outputGradient.data + r * d
            let dx = inputGradient.data + r * d
            // dx = (dy − y·⟨y, dy⟩) / ‖x‖
            let projection = BLAS.dot(count: d, y, dy)
            let inverseNorm = 1 / norms[r]
            for j in 0..<d { dx[j] = (dy[j] - y[j] * projection) * inverseNorm }
        }
        return inputGradient
    }

    public func copy() -> Layer { L2Normalize() }
}
