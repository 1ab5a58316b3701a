import Foundation
import TensorCore

/// SimCLR's NT-Xent loss over 2N L2-normalised embeddings: row i's positive is row
/// (i + N) mod 2N and its 2N − 2 negatives are every other row except itself.
/// loss = mean_i [ −s_ip/τ + log Σ_{k≠i} exp(s_ik/τ) ].
public final class NTXentLoss {
    public let temperature: Float
    /// ∂loss/∂z after a call.
    public let gradient = Tensor(shape: [0, 0])
    private let similarities = Tensor(shape: [0, 0])
    /// Share of each anchor's negative softmax weight on same-class rows, averaged (NaN without labels).
    public private(set) var sameClassRepulsionShare: Float = .nan

    public init(temperature: Float = 0.5) { self.temperature = temperature }

    /// - Parameter labels: class of each image (N of them), used only for the diagnostic.
    public func callAsFunction(_ z: Tensor, labels: ArraySlice<Int>? = nil) -> Float {
        let m = z.rows, d = z.rowSize, n = m / 2
        let inverseT = 1 / temperature
        similarities.resize(rows: m, columns: m)
        BLAS.gemm(transposeB: true, m: m, n: m, k: d, alpha: inverseT, a: z.data, b: z.data, c: similarities.data)
        var total: Double = 0
        var shareSum: Double = 0
        let base = labels?.startIndex ?? 0
        // Turn each row into ∂loss_i/∂logits: softmax over k ≠ i, minus 1 at the positive.
        for i in 0..<m {
            let row = similarities.data + i * m
            let positive = (i + n) % m
            row[i] = -.infinity
            var maximum = -Float.infinity
            for k in 0..<m where row[k] > maximum { maximum = row[k] }
            var sum: Float = 0
            for k in 0..<m {
                let e = k == i ? 0 : Foundation.exp(row[k] - maximum)
                row[k] = e
                sum += e
            }
            let positiveLogit = Foundation.log(row[positive]) + maximum
            total += Double(Foundation.log(sum) + maximum - positiveLogit)
            let inverseSum = 1 / sum
            if let labels {
                let anchorClass = labels[base + i % n]
                var negative: Float = 0, same: Float = 0
                for k in 0..<m where k != i && k != positive {
                    negative += row[k]
                    if labels[base + k % n] == anchorClass { same += row[k] }
                }
                shareSum += negative > 0 ? Double(same / negative) : 0
            }
            for k in 0..<m { row[k] *= inverseSum }
            row[positive] -= 1
        }
        sameClassRepulsionShare = labels == nil ? .nan : Float(shareSum / Double(m))
        // z_i appears in every row's logits and every column's: dz = (G + Gᵀ) z / (τ m).
        gradient.resize(z.shape)
        let scale = inverseT / Float(m)
        BLAS.gemm(m: m, n: d, k: m, alpha: scale, a: similarities.data, b: z.data, c: gradient.data)
        BLAS.gemm(transposeA: true, m: m, n: d, k: m, alpha: scale, a: similarities.data, b: z.data,
                  beta: 1, c: gradient.data)
        return Float(total / Double(m))
    }
}
