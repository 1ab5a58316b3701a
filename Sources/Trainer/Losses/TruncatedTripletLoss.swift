import TensorCore

/// Which ranked negative(s) a triplet anchor is pushed away from.
public enum NegativeSelection: Sendable, Equatable, Codable {
    /// Skip the `skip` most similar negatives, average the distances of the next `deputies`.
    case truncated(skip: Int, deputies: Int)
    /// The median-ranked negative (the paper's first version).
    case median

    /// The ranks (0 = most similar) used out of `candidates` negatives.
    public func ranks(candidates: Int) -> Range<Int> {
        switch self {
        case let .truncated(skip, deputies):
            let start = min(skip, max(candidates - 1, 0))
            return start..<min(start + deputies, candidates)
        case .median:
            let middle = (candidates - 1) / 2
            return middle..<(middle + 1)
        }
    }
}

/// The truncated triplet loss of Wang et al. (ICCV 2021).
///
/// The 2N rows form two blocks (view 1 → view 2, view 2 → view 1) of N anchors each. In a
/// block, d_ij = −2⟨p_i, z_j⟩; the positive distance is d_ii; the N − 1 negatives are
/// ranked by distance, the selection's ranks are averaged into the deputy distance n_i,
/// and loss = Σ_blocks mean_i max(0, γ·d_ii − n_i + margin).
public final class TruncatedTripletLoss {
    public let selection: NegativeSelection
    public let gamma: Float
    public let margin: Float
    /// ∂loss/∂p after a call.
    public let gradient = Tensor(shape: [0, 0])
    /// Fraction of selected deputies that share the anchor's class (NaN without labels).
    public private(set) var falseNegativeRate: Float = .nan
    private let similarities = Tensor(shape: [0, 0])
    private var order: [Int] = []

    public init(selection: NegativeSelection = .truncated(skip: 1, deputies: 9), gamma: Float = 2, margin: Float = 100) {
        self.selection = selection
        self.gamma = gamma
        self.margin = margin
    }

    /// - Parameters:
    ///   - p: [2N, d] normalised online predictions (rows 0..<N view 1, N..<2N view 2).
    ///   - z: [2N, d] normalised target projections, row i of the *other* view of image i mod N.
    ///   - labels: class of each image (N), for the diagnostic only.
    public func callAsFunction(predictions p: Tensor, targets z: Tensor, labels: ArraySlice<Int>? = nil) -> Float {
        let m = p.rows, d = p.rowSize, n = m / 2
        gradient.resize(p.shape)
        similarities.resize(rows: n, columns: n)
        if order.count < n { order = [Int](repeating: 0, count: n) }
        let ranks = selection.ranks(candidates: n - 1)
        let deputyWeight = 1 / Float(ranks.count)
        let base = labels?.startIndex ?? 0
        var total: Float = 0
        var falseNegatives = 0, selected = 0
        for block in 0..<2 {
            let pBlock = p.data + block * n * d, zBlock = z.data + block * n * d
            BLAS.gemm(transposeB: true, m: n, n: n, k: n == 0 ? 0 : d, a: pBlock, b: zBlock, c: similarities.data)
            var blockLoss: Float = 0
            for i in 0..<n {
                let row = similarities.data + i * n
                // Rank negatives by similarity, most similar (smallest distance) first, only as
                // far as needed: positions ranks.lowerBound..<ranks.upperBound of `order` end up
                // holding exactly the negatives of those ranks (in no particular order).
                var count = 0
                for j in 0..<n where j != i {
                    order[count] = j
                    count += 1
                }
                order.withUnsafeMutableBufferPointer { buffer in
                    RankSelection.partition(buffer, count: count, largest: ranks.upperBound) { row[$0] }
                    RankSelection.partition(buffer, count: ranks.upperBound, largest: ranks.lowerBound) { row[$0] }
                }
                let positive = -2 * row[i]
                var deputy: Float = 0
                for r in ranks { deputy += -2 * row[order[r]] }
                deputy *= deputyWeight
                let hinge = gamma * positive - deputy + margin
                // Gradient of mean_i hinge wrt the similarities, then onto p: dp_i = Σ_j dS_ij z_j.
                let g = gradient.data + (block * n + i) * d
                g.update(repeating: 0, count: d)
                if hinge > 0 {
                    blockLoss += hinge
                    BLAS.axpy(count: d, alpha: -2 * gamma / Float(n), x: zBlock + i * d, y: g)
                    for r in ranks {
                        BLAS.axpy(count: d, alpha: 2 * deputyWeight / Float(n), x: zBlock + order[r] * d, y: g)
                    }
                }
                if let labels {
                    for r in ranks {
                        selected += 1
                        if labels[base + order[r]] == labels[base + i] { falseNegatives += 1 }
                    }
                }
            }
            total += blockLoss / Float(n)
        }
        falseNegativeRate = labels == nil || selected == 0 ? .nan : Float(falseNegatives) / Float(selected)
        return total
    }
}

/// Partial ranking without sorting or allocating.
enum RankSelection {
    /// Reorders `indices[0..<count]` so that its first `largest` entries are those with the
    /// largest keys (ties at the boundary in any order), in no particular order. Quickselect: O(count).
    static func partition(_ indices: UnsafeMutableBufferPointer<Int>, count: Int, largest: Int, key: (Int) -> Float) {
        guard largest > 0, largest < count else { return }
        var low = 0, high = count - 1
        let target = largest - 1  // the position that must hold the largest-th largest
        while low < high {
            // Median of three as the pivot keeps sorted input from degrading the search.
            let middle = low + (high - low) / 2
            let a = key(indices[low]), b = key(indices[middle]), c = key(indices[high])
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = low, j = high
            while i <= j {
                while key(indices[i]) > pivot { i += 1 }
                while key(indices[j]) < pivot { j -= 1 }
                if i <= j {
                    indices.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j { high = j } else if target >= i { low = i } else { return }
        }
    }
}
