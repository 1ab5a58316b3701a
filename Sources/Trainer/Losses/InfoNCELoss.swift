import TensorCore

/// MoCo's InfoNCE loss: each query's positive is its own key, its negatives the queue.
/// loss = mean_i [ −q_i·k_i/τ + log( exp(q_i·k_i/τ) + Σ_j exp(q_i·u_j/τ) ) ], keys constant.
public final class InfoNCELoss {
    public let temperature: Float
    /// ∂loss/∂q after a call.
    public let gradient = Tensor(shape: [0, 0])
    private let logits = Tensor(shape: [0, 0])
    private let rows = ContrastiveRows()
    /// Share of the negative softmax weight on same-class queue entries (NaN without labels).
    public private(set) var prOmegaMeasured: Float = .nan

    public init(temperature: Float = 0.2) { self.temperature = temperature }

    /// - Parameters:
    ///   - queries: [M, d] normalised online embeddings.
    ///   - keys: [M, d] normalised momentum-encoder embeddings, row i the positive of query i.
    ///   - queue: [K, d] normalised negatives.
    ///   - queryLabels: class of each query row; `queueLabels`: of each queue row (−1 unknown).
    public func callAsFunction(queries q: Tensor, keys k: Tensor, queue: Tensor,
                               queryLabels: [Int]? = nil, queueLabels: [Int]? = nil) -> Float {
        let m = q.rows, d = q.rowSize, size = queue.rows
        let inverseT = 1 / temperature
        let columns = size + 1
        logits.resize(rows: m, columns: columns)
        // Column 0: positive logit; columns 1...K: queue logits.
        BLAS.gemm(transposeB: true, m: m, n: size, k: d, alpha: inverseT, a: q.data, b: queue.data,
                  c: logits.data + 1, ldc: columns)
        for i in 0..<m { logits.data[i * columns] = BLAS.dot(count: d, q.data + i * d, k.data + i * d) * inverseT }
        rows.prepare(count: m) { _ in (0, -1) }
        let labelled = queryLabels != nil && queueLabels != nil
        if let queryLabels, let queueLabels {
            for i in 0..<m { rows.labels[i] = queryLabels[i] }
            rows.setColumnLabels(count: columns) { $0 == 0 ? -1 : queueLabels[$0 - 1] }
        }
        // Each row becomes ∂loss_i/∂logits: softmax minus 1 at the positive (column 0).
        rows.softmax(logits.data, rows: m, columns: columns, columnLabels: labelled ? .own : .none)
        prOmegaMeasured = labelled ? Float(rows.meanShare) : .nan
        let total = rows.lossSum
        // dq_i = (G_i0 · k_i + Σ_j G_ij · u_j) / (τ m)
        gradient.resize(q.shape)
        let scale = inverseT / Float(m)
        BLAS.gemm(m: m, n: d, k: size, alpha: scale, a: logits.data + 1, lda: columns,
                  b: queue.data, c: gradient.data)
        for i in 0..<m {
            BLAS.axpy(count: d, alpha: scale * logits[i * columns], x: k.data + i * d, y: gradient.data + i * d)
        }
        return Float(total / Double(m))
    }
}
