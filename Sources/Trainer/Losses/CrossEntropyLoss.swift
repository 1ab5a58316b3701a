import Foundation
import TensorCore

/// Softmax cross-entropy of logits [M, C] against class labels, averaged over rows.
public final class CrossEntropyLoss {
    /// ∂loss/∂logits after a call.
    public let gradient = Tensor(shape: [0, 0])

    public init() {}

    public func callAsFunction(_ logits: Tensor, labels: (Int) -> Int) -> Float {
        let m = logits.rows, c = logits.rowSize
        gradient.resize(logits.shape)
        var total: Double = 0
        let inverseM = 1 / Float(m)
        for i in 0..<m {
            let row = logits.data + i * c, g = gradient.data + i * c
            let logSum = Kernels.logSumExp(row, count: c)
            let label = labels(i)
            total += Double(logSum - row[label])
            for j in 0..<c { g[j] = Foundation.exp(row[j] - logSum) * inverseM }
            g[label] -= inverseM
        }
        return Float(total / Double(m))
    }
}
