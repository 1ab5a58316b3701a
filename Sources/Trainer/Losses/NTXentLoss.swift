import TensorCore

/// SimCLR's NT-Xent loss over 2N L2-normalised embeddings: row i's positive is row
/// (i + N) mod 2N and its 2N − 2 negatives are every other row except itself.
/// loss = mean_i [ −s_ip/τ + log Σ_{k≠i} exp(s_ik/τ) ].
public final class NTXentLoss {
    public let temperature: Float
    /// ∂loss/∂z after a call.
    public let gradient = Tensor(shape: [0, 0])
    private let similarities = Tensor(shape: [0, 0])
    private let rows = ContrastiveRows()
    /// Share of each anchor's negative softmax weight on same-class rows, averaged (NaN without labels).
    public private(set) var prOmegaMeasured: Float = .nan

    public init(temperature: Float = 0.5) { self.temperature = temperature }

    /// - Parameter labels: class of each image (N of them), used only for the diagnostic.
    public func callAsFunction(_ z: Tensor, labels: ArraySlice<Int>? = nil) -> Float {
        let m = z.rows, d = z.rowSize, n = m / 2
        let inverseT = 1 / temperature
        similarities.resize(rows: m, columns: m)
        BLAS.gemm(transposeB: true, m: m, n: m, k: d, alpha: inverseT, a: z.data, b: z.data, c: similarities.data)
        rows.prepare(count: m) { i in (Int32((i + n) % m), Int32(i)) }
        if let labels {
            let base = labels.startIndex
            for i in 0..<m { rows.labels[i] = labels[base + i % n] }
        }
        // Each row becomes ∂loss_i/∂logits: softmax over k ≠ i, minus 1 at the positive.
        rows.softmax(similarities.data, rows: m, columns: m, columnLabels: labels == nil ? .none : .rowLabels)
        prOmegaMeasured = labels == nil ? .nan : Float(rows.meanShare)
        let total = rows.lossSum
        // z_i appears in every row's logits and every column's: dz = (G + Gᵀ) z / (τ m).
        gradient.resize(z.shape)
        let scale = inverseT / Float(m)
        BLAS.gemm(m: m, n: d, k: m, alpha: scale, a: similarities.data, b: z.data, c: gradient.data)
        BLAS.gemm(transposeA: true, m: m, n: d, k: m, alpha: scale, a: similarities.data, b: z.data,
                  beta: 1, c: gradient.data)
        return Float(total / Double(m))
    }
}
