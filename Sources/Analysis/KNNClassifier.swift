import Foundation
import TensorCore

/// Weighted cosine k-nearest-neighbour classification (Wu et al., 2018, as used to
/// monitor self-supervised training): each of the k most similar training samples votes
/// for its class with weight exp(similarity / temperature).
public struct KNNClassifier: Sendable {
    public let k: Int
    public let temperature: Float
    /// Test rows per similarity block (nil: as many as fit in 256 MB of similarities, which
    /// keeps sgemm efficient without holding the whole test × train matrix).
    public let blockRows: Int?

    public init(k: Int = 200, temperature: Float = 0.1, blockRows: Int? = nil) {
        self.k = k
        self.temperature = temperature
        self.blockRows = blockRows
    }

    /// Top-1 accuracy in percent of classifying `test` by `train` (rows of `dimension`
    /// floats, normalised here).
    public func accuracy(train: [Float], trainLabels: [Int], test: [Float], testLabels: [Int],
                         dimension: Int, classCount: Int) -> Double {
        let predictions = predict(train: train, trainLabels: trainLabels, test: test,
                                  dimension: dimension, classCount: classCount)
        guard !testLabels.isEmpty else { return 0 }
        let correct = zip(predictions, testLabels).filter { $0 == $1 }.count
        return 100 * Double(correct) / Double(testLabels.count)
    }

    /// The predicted class of every test row.
    public func predict(train: [Float], trainLabels: [Int], test: [Float],
                        dimension: Int, classCount: Int) -> [Int] {
        let trainCount = trainLabels.count, testCount = test.count / max(dimension, 1)
        guard trainCount > 0, testCount > 0 else { return [Int](repeating: 0, count: testCount) }
        let trainUnit = Self.normalised(train, dimension: dimension)
        let testUnit = Self.normalised(test, dimension: dimension)
        let neighbours = min(k, trainCount)
        var predictions = [Int](repeating: 0, count: testCount)
        let blockRows = self.blockRows ?? max(256, min(4096, (64 << 20) / trainCount))
        var block = [Float](repeating: 0, count: min(blockRows, testCount) * trainCount)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        for start in stride(from: 0, to: testCount, by: blockRows) {
            let rows = min(blockRows, testCount - start)
            testUnit.withUnsafeBufferPointer { t in
                trainUnit.withUnsafeBufferPointer { r in
                    block.withUnsafeMutableBufferPointer { b in
                        BLAS.gemm(transposeB: true, m: rows, n: trainCount, k: dimension,
                                  a: t.baseAddress! + start * dimension, b: r.baseAddress!, c: b.baseAddress!)
                    }
                }
            }
            // Neighbour selection and voting, rows split across the cores.
            block.withUnsafeBufferPointer { similarities in
                predictions.withUnsafeMutableBufferPointer { out in
                    let shared = SharedRows(similarities: similarities, predictions: out)
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        var values = [Float](repeating: 0, count: neighbours), indices = [Int](repeating: 0, count: neighbours)
                        var votes = [Double](repeating: 0, count: classCount)
                        for row in stride(from: worker, to: rows, by: workers) {
                            TopK.select(shared.similarities, from: row * trainCount, count: trainCount, k: neighbours,
                                        values: &values, indices: &indices)
                            for c in 0..<classCount { votes[c] = 0 }
                            for j in 0..<neighbours {
                                votes[trainLabels[indices[j]]] += Foundation.exp(Double(values[j] / temperature))
                            }
                            var best = 0
                            for c in 1..<max(classCount, 1) where votes[c] > votes[best] { best = c }
                            shared.predictions[start + row] = best
                        }
                    }
                }
            }
        }
        return predictions
    }

    /// Rows scaled to unit length (zero rows stay zero).
    static func normalised(_ x: [Float], dimension: Int) -> [Float] {
        var out = x
        let rows = x.count / max(dimension, 1)
        out.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<rows {
                let row = buffer.baseAddress! + r * dimension
                let norm = BLAS.norm(count: dimension, row)
                if norm > 0 { BLAS.scale(count: dimension, alpha: 1 / norm, x: row) }
            }
        }
        return out
    }
}

/// Buffers shared by the selection workers; each writes only its own rows.
private struct SharedRows: @unchecked Sendable {
    let similarities: UnsafeBufferPointer<Float>
    let predictions: UnsafeMutableBufferPointer<Int>
}

/// Selection of the k largest values of a row with a min-heap.
enum TopK {
    static func select(_ data: [Float], from offset: Int, count: Int, k: Int,
                       values: inout [Float], indices: inout [Int]) {
        data.withUnsafeBufferPointer { select($0, from: offset, count: count, k: k, values: &values, indices: &indices) }
    }

    static func select(_ data: UnsafeBufferPointer<Float>, from offset: Int, count: Int, k: Int,
                       values: inout [Float], indices: inout [Int]) {
        var size = 0
        for j in 0..<count {
            let v = data[offset + j]
            if size < k {
                values[size] = v
                indices[size] = j
                size += 1
                var child = size - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    if values[parent] <= values[child] { break }
                    values.swapAt(parent, child)
                    indices.swapAt(parent, child)
                    child = parent
                }
            } else if v > values[0] {
                values[0] = v
                indices[0] = j
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var smallest = parent
                    if left < k && values[left] < values[smallest] { smallest = left }
                    if right < k && values[right] < values[smallest] { smallest = right }
                    if smallest == parent { break }
                    values.swapAt(parent, smallest)
                    indices.swapAt(parent, smallest)
                    parent = smallest
                }
            }
        }
    }
}
