import CKernels

/// The workspaces of one contrastive loss's row softmax (CKernels' wb_contrastive_softmax):
/// each row's positive and excluded column, the labels of rows and columns for the
/// same-class diagnostic, and the per-row losses and shares it writes. Sized on first use
/// and then reused, so a training step allocates nothing here.
final class ContrastiveRows {
    /// Which labels the columns carry, for the same-class share.
    enum ColumnLabels {
        /// No labels: no share is measured.
        case none
        /// Column j is row j's view (NT-Xent): the row labels serve the columns too.
        case rowLabels
        /// Set with `setColumnLabels` (InfoNCE: the queue's labels behind the positive).
        case own
    }

    /// Class of each row's anchor, written by the caller after `prepare`.
    var labels: [Int] = []
    private var positive: [Int32] = [], excluded: [Int32] = [], columnLabels: [Int] = []
    private var losses: [Double] = [], shares: [Double] = []

    /// Sizes the per-row arrays for `count` rows and sets each row's positive column and the
    /// column that takes no part (−1: none).
    func prepare(count: Int, columns: (_ row: Int) -> (positive: Int32, excluded: Int32)) {
        if positive.count != count {
            positive = [Int32](repeating: 0, count: count)
            excluded = [Int32](repeating: -1, count: count)
            labels = [Int](repeating: -1, count: count)
            losses = [Double](repeating: 0, count: count)
            shares = [Double](repeating: 0, count: count)
        }
        for row in 0..<count { (positive[row], excluded[row]) = columns(row) }
    }

    /// Sets the label of each of `count` columns (for `.own`).
    func setColumnLabels(count: Int, _ label: (_ column: Int) -> Int) {
        if columnLabels.count != count { columnLabels = [Int](repeating: -1, count: count) }
        for column in 0..<count { columnLabels[column] = label(column) }
    }

    /// Turns the `rows` × `columns` logits at `x` (row-major, dense) into ∂loss_i/∂logits and
    /// records each row's loss and, with labels, its same-class share of the negative weight.
    func softmax(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int, columnLabels kind: ColumnLabels) {
        precondition(positive.count == rows, "prepare(count:) first")
        precondition(kind != .own || columnLabels.count == columns, "setColumnLabels(count:) first")
        labels.withUnsafeBufferPointer { rowLabels in
            columnLabels.withUnsafeBufferPointer { ownLabels in
                let columnLabelPointer: UnsafePointer<Int>? = switch kind {
                case .none: nil
                case .rowLabels: rowLabels.baseAddress
                case .own: ownLabels.baseAddress
                }
                wb_contrastive_softmax(x, Int64(rows), Int64(columns), Int64(columns), positive, excluded,
                                       kind == .none ? nil : rowLabels.baseAddress, columnLabelPointer,
                                       &losses, &shares)
            }
        }
    }

    /// Σ of the rows' losses after `softmax`, in double.
    var lossSum: Double { losses.reduce(0, +) }

    /// Mean same-class share of the rows after a labelled `softmax`.
    var meanShare: Double { shares.isEmpty ? 0 : shares.reduce(0, +) / Double(shares.count) }
}
