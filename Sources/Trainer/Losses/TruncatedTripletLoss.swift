import CKernels
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
    public private(set) var prOmegaMeasured: Float = .nan
    private let similarities = Tensor(shape: [0, 0])
    /// Per-anchor workspaces of the C kernel, sized on first use: hinge, same-class deputies,
    /// and index scratch for the ranking.
    private var hinges: [Float] = [], sameClass: [Int32] = [], order: [Int32] = []

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
        if hinges.count != n {
            hinges = [Float](repeating: 0, count: n)
            sameClass = [Int32](repeating: 0, count: n)
            order = [Int32](repeating: 0, count: Int(WB_MAX_PARTS) * n)
        }
        let ranks = selection.ranks(candidates: n - 1)
        let labelled = (labels?.count ?? 0) >= n
        var total: Float = 0
        var falseNegatives = 0
        for block in 0..<2 {
            let pBlock = p.data + block * n * d, zBlock = z.data + block * n * d
            BLAS.gemm(transposeB: true, m: n, n: n, k: n == 0 ? 0 : d, a: pBlock, b: zBlock, c: similarities.data)
            // Both blocks' anchors are images 0..<N, so the labels serve both.
            if let labels, labelled {
                labels.withUnsafeBufferPointer { rankBlock(block, n: n, d: d, ranks: ranks, z: zBlock, labels: $0.baseAddress) }
            } else {
                rankBlock(block, n: n, d: d, ranks: ranks, z: zBlock, labels: nil)
            }
            var blockLoss: Float = 0
            for i in 0..<n where hinges[i] > 0 { blockLoss += hinges[i] }
            total += blockLoss / Float(n)
            for i in 0..<n { falseNegatives += Int(sameClass[i]) }
        }
        let selected = 2 * n * ranks.count
        prOmegaMeasured = !labelled || selected == 0 ? .nan : Float(falseNegatives) / Float(selected)
        return total
    }

    /// Hinges, same-class deputies and gradient rows of one block's anchors (CKernels).
    private func rankBlock(_ block: Int, n: Int, d: Int, ranks: Range<Int>, z: UnsafePointer<Float>,
                           labels: UnsafePointer<Int>?) {
        wb_triplet_block(similarities.data, Int64(n), Int64(ranks.lowerBound), Int64(ranks.upperBound),
                         gamma, margin, z, Int64(d), gradient.data + block * n * d, labels,
                         &hinges, &sameClass, &order)
    }
}
