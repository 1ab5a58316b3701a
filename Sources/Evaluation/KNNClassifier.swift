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
    /// Find neighbours with the int8 screen and exact rescoring where the CPU allows
    /// (`ScreenedNeighbours`: the same neighbours, about twice as fast); false: the float
    /// product only.
    public let screening: Bool

    public init(k: Int = 200, temperature: Float = 0.1, blockRows: Int? = nil, screening: Bool = true) {
        self.k = k
        self.temperature = temperature
        self.blockRows = blockRows
        self.screening = screening
    }

    /// Whether `predict` will use the int8 screen on this CPU.
    public var screensHere: Bool { screening && ScreenedNeighbours.isAvailable }

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
        predictReporting(train: train, trainLabels: trainLabels, test: test, dimension: dimension,
                         classCount: classCount).predictions
    }

    /// `predict`, and the mean number of candidates the int8 screen rescored per test row
    /// (nil when the float product was used), for benchmarks.
    public func predictReporting(train: [Float], trainLabels: [Int], test: [Float],
                                 dimension: Int, classCount: Int) -> (predictions: [Int], candidatesPerRow: Double?) {
        let trainCount = trainLabels.count, testCount = test.count / max(dimension, 1)
        guard trainCount > 0, testCount > 0 else { return ([Int](repeating: 0, count: testCount), nil) }
        let trainUnit = Self.normalised(train, dimension: dimension)
        let testUnit = Self.normalised(test, dimension: dimension)
        let neighbours = min(k, trainCount)
        var predictions = [Int](repeating: 0, count: testCount)
        // As many workers as the process's kernel threads (WORKBENCH_THREADS): a process told
        // to use one core keeps to it here too. Each test row is searched alone, so the
        // predictions do not depend on the count.
        let workers = max(1, min(BLAS.threadCount, 8))
        let labels = trainLabels, temperature = self.temperature
        let candidates: Int? = predictions.withUnsafeMutableBufferPointer { out in
            let shared = SharedPredictions(predictions: out)
            let visit: @Sendable (Int, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Int>) -> Void = { row, values, indices in
                shared.predictions[row] = Self.vote(values: values, indices: indices, labels: labels,
                                                    classCount: classCount, temperature: temperature)
            }
            if screening, let rescored = ScreenedNeighbours.search(
                train: trainUnit, trainCount: trainCount, test: testUnit, testCount: testCount,
                dimension: dimension, k: neighbours, workers: workers, visit: visit) {
                return rescored
            }
            exactSearch(train: trainUnit, trainCount: trainCount, test: testUnit, testCount: testCount,
                        dimension: dimension, k: neighbours, workers: workers, visit: visit)
            return nil
        }
        return (predictions, candidates.map { Double($0) / Double(testCount) })
    }

    /// The top `k` of every test row by the float product: similarities in blocks of rows by
    /// sgemm, selection split across `workers`.
    func exactSearch(train: [Float], trainCount: Int, test: [Float], testCount: Int, dimension: Int, k: Int,
                     workers: Int, visit: @Sendable (Int, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Int>) -> Void) {
        let blockRows = self.blockRows ?? max(256, min(4096, (64 << 20) / trainCount))
        var block = [Float](repeating: 0, count: min(blockRows, testCount) * trainCount)
        for start in stride(from: 0, to: testCount, by: blockRows) {
            let rows = min(blockRows, testCount - start)
            test.withUnsafeBufferPointer { t in
                train.withUnsafeBufferPointer { r in
                    block.withUnsafeMutableBufferPointer { b in
                        BLAS.gemm(transposeB: true, m: rows, n: trainCount, k: dimension,
                                  a: t.baseAddress! + start * dimension, b: r.baseAddress!, c: b.baseAddress!)
                    }
                }
            }
            block.withUnsafeBufferPointer { similarities in
                let shared = SharedSimilarities(similarities: similarities)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var values = [Float](repeating: 0, count: k), indices = [Int](repeating: 0, count: k)
                    for row in stride(from: worker, to: rows, by: workers) {
                        TopK.select(shared.similarities, from: row * trainCount, count: trainCount, k: k,
                                    values: &values, indices: &indices)
                        values.withUnsafeBufferPointer { v in
                            indices.withUnsafeBufferPointer { i in visit(start + row, v, i) }
                        }
                    }
                }
            }
        }
    }

    /// The class with the largest sum of exp(similarity / temperature) over the neighbours.
    static func vote(values: UnsafeBufferPointer<Float>, indices: UnsafeBufferPointer<Int>, labels: [Int],
                     classCount: Int, temperature: Float) -> Int {
        let classes = max(classCount, 1)
        // On the stack: called once per test row, from every search worker.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: classes) { votes in
            votes.initialize(repeating: 0)
            for j in 0..<values.count {
                votes[labels[indices[j]]] += Foundation.exp(Double(values[j] / temperature))
            }
            var best = 0
            for c in 1..<classes where votes[c] > votes[best] { best = c }
            return best
        }
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

/// The predictions, written by the search workers, each only its own rows.
private struct SharedPredictions: @unchecked Sendable {
    let predictions: UnsafeMutableBufferPointer<Int>
}

/// One block of similarities, read by the selection workers.
private struct SharedSimilarities: @unchecked Sendable {
    let similarities: UnsafeBufferPointer<Float>
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
