import CKernels
import Foundation
import TensorCore

/// The linear probe's objective, mean cross-entropy + ½·l2·‖W‖², and its gradient at
/// θ = [W (d×C), b (C)]: the fit evaluates it a few hundred times, so its workspaces are
/// made once per fit and its three stages run on both cores.
///
/// Logits are one product X·W; the softmax runs over a fixed number of row ranges (set by the
/// row count, not the core count, and summed in range order); the weight gradient is one
/// product Gᵀ·X (C×d, which BLAS splits over d: measured a third faster than Xᵀ·G, whose
/// n×C output is too narrow to split well).
final class ProbeObjective {
    let x: [Float]
    let labels: [Int]
    let dimension: Int
    let classCount: Int
    let l2: Double

    private let parts: Int
    private var weights: [Float]
    private var logits: [Float]
    /// The weight gradient transposed, C×d.
    private var gradientT: [Float]
    /// Per row range: the bias gradient's sums (C each) and the loss's.
    private var partBias: [Double]
    private var partLoss: [Double]
    private(set) var evaluations = 0

    init(x: [Float], labels: [Int], dimension d: Int, classCount c: Int, l2: Double) {
        self.x = x
        self.labels = labels
        self.dimension = d
        self.classCount = c
        self.l2 = l2
        let n = labels.count
        parts = max(1, Int(wb_parts(Int64(n), 1024)))
        weights = [Float](repeating: 0, count: d * c)
        logits = [Float](repeating: 0, count: n * c)
        gradientT = [Float](repeating: 0, count: c * d)
        partBias = [Double](repeating: 0, count: parts * c)
        partLoss = [Double](repeating: 0, count: parts)
    }

    func evaluate(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        evaluations += 1
        let d = dimension, c = classCount, n = labels.count
        for i in 0..<(d * c) { weights[i] = Float(theta[i]) }
        for r in 0..<n { for j in 0..<c { logits[r * c + j] = Float(theta[d * c + j]) } }
        x.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                logits.withUnsafeMutableBufferPointer { z in
                    BLAS.gemm(m: n, n: c, k: d, a: x.baseAddress!, b: w.baseAddress!, beta: 1, c: z.baseAddress!)
                }
            }
        }
        softmaxGradients()
        x.withUnsafeBufferPointer { x in
            logits.withUnsafeBufferPointer { g in
                gradientT.withUnsafeMutableBufferPointer { out in
                    BLAS.gemm(transposeA: true, m: c, n: d, k: n, a: g.baseAddress!, b: x.baseAddress!, c: out.baseAddress!)
                }
            }
        }
        var gradient = [Double](repeating: 0, count: d * c + c)
        var value = 0.0, penalty = 0.0
        for part in 0..<parts {
            value += partLoss[part]
            for j in 0..<c { gradient[d * c + j] += partBias[part * c + j] }
        }
        for k in 0..<d {
            for j in 0..<c {
                let i = k * c + j
                gradient[i] = Double(gradientT[j * d + k]) + l2 * theta[i]
                penalty += theta[i] * theta[i]
            }
        }
        return (value / Double(max(n, 1)) + 0.5 * l2 * penalty, gradient)
    }

    /// Logits in place → (softmax − onehot) / n, with each range's loss and column sums.
    private func softmaxGradients() {
        labels.withUnsafeBufferPointer { labels in
            logits.withUnsafeMutableBufferPointer { z in
                partBias.withUnsafeMutableBufferPointer { bias in
                    partLoss.withUnsafeMutableBufferPointer { loss in
                        var job = SoftmaxJob(labels: labels.baseAddress!, logits: z.baseAddress!, bias: bias.baseAddress!,
                                             loss: loss.baseAddress!, rows: labels.count, classCount: classCount)
                        wb_parallel_for(Int64(labels.count), Int32(parts), { context, begin, end, part in
                            context?.assumingMemoryBound(to: SoftmaxJob.self).pointee.run(Int(begin)..<Int(end), part: Int(part))
                        }, &job)
                    }
                }
            }
        }
    }

    private struct SoftmaxJob {
        let labels: UnsafePointer<Int>
        let logits: UnsafeMutablePointer<Float>
        let bias: UnsafeMutablePointer<Double>
        let loss: UnsafeMutablePointer<Double>
        let rows: Int, classCount: Int

        func run(_ range: Range<Int>, part: Int) {
            let c = classCount, inverseN = 1 / Float(rows)
            let columnSums = bias + part * c
            columnSums.initialize(repeating: 0, count: c)
            var lossSum = 0.0
            for r in range {
                let row = logits + r * c, label = labels[r]
                var top = row[0]
                for j in 1..<c { top = max(top, row[j]) }
                let labelShifted = row[label] - top
                var sum: Float = 0
                for j in 0..<c {
                    let e = Foundation.exp(row[j] - top)
                    row[j] = e
                    sum += e
                }
                lossSum += Double(Foundation.log(sum) - labelShifted)  // −log softmax of the label
                let scale = inverseN / sum
                for j in 0..<c {
                    row[j] *= scale
                    columnSums[j] += Double(row[j])
                }
                row[label] -= inverseN
                columnSums[label] -= Double(inverseN)
            }
            loss[part] = lossSum
        }
    }
}
