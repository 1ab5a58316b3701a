import TensorCore

/// BYOL's regression loss: mean over rows of 2 − 2·cos(pᵢ, zᵢ), with z a constant target.
/// Returns the loss and writes ∂loss/∂p into `gradient`.
public final class NegativeCosineLoss {
    public let gradient = Tensor(shape: [0, 0])
    private let normalisedPrediction = Tensor(shape: [0, 0])
    private let normalisedTarget = Tensor(shape: [0, 0])
    private let predictionNorms = Tensor(shape: [0])
    private let targetNorms = Tensor(shape: [0])

    public init() {}

    public func callAsFunction(prediction p: Tensor, target z: Tensor) -> Float {
        let n = p.rows, d = p.rowSize
        normalisedPrediction.resize(p.shape)
        normalisedTarget.resize(z.shape)
        predictionNorms.resize(count: n)
        targetNorms.resize(count: n)
        gradient.resize(p.shape)
        Kernels.normaliseRows(p.data, into: normalisedPrediction.data, norms: predictionNorms.data, rows: n, columns: d)
        Kernels.normaliseRows(z.data, into: normalisedTarget.data, norms: targetNorms.data, rows: n, columns: d)
        var total: Float = 0
        let scale = 2 / Float(n)
        for i in 0..<n {
            let u = normalisedPrediction.data + i * d, v = normalisedTarget.data + i * d
            let cosine = BLAS.dot(count: d, u, v)
            total += 2 - 2 * cosine
            // ∂(−2cos)/∂p = −2 (v − u·cos) / ‖p‖, averaged over rows
            let g = gradient.data + i * d
            let inverseNorm = 1 / predictionNorms[i]
            for j in 0..<d { g[j] = -scale * (v[j] - u[j] * cosine) * inverseNorm }
        }
        return total / Float(n)
    }
}
