import Evaluation
import Trainer
import Reporting

/// The truncation sweep: latest accuracy (and measured Pr(ω|A)) of each triplet setting by
/// skip; runs that differ only in their seed are one row, their mean, with the seed count.
enum AblationPanel {
    /// The panel's rows: `Ablation.points`, the function the exported figure uses too.
    static func rows(_ runs: [RunSnapshot], measure: AccuracyMeasure) -> [AblationPoint] {
        Ablation.points(runs.filter { $0.skip != nil }.map(\.asRunMetrics), value: measure.value)
    }

    static func draw(_ snapshot: SessionSnapshot, _ state: UIState, in rect: Rect, grid: inout CellGrid) {
        grid.frame(rect, title: "Ablation · \(state.measure == .knn ? "kNN" : "linear") % vs skip (s: sweep)", focused: state.focus == .ablation)
        let inner = rect.inset(1)
        guard inner.width > 24, inner.height > 1 else { return }
        let rows = rows(snapshot.runs, measure: state.measure)
        guard !rows.isEmpty else {
            grid.put("no triplet runs yet: + - set skip, Enter queues one", x: inner.x, y: inner.y, ink: .dim, limit: inner.width)
            drawPrediction(snapshot.truncationPrediction, at: inner.y + 1, in: inner, grid: &grid)
            return
        }
        let values = rows.compactMap(\.mean)
        let low = (values.min() ?? 0) - 1, high = (values.max() ?? 1) + 0.2
        // Rows are compared at one epoch, or each says its own (and a fork where it began).
        let common = Ablation.commonEpoch(rows)
        func markTexts(fork: String) -> [String] {
            rows.map { row in
                (common == nil ? row.epoch.map { " e\($0)" } ?? "" : "") + (row.forkedAt.map { " \(fork)@\($0)" } ?? "")
                    + (row.seeds > 1 ? " ×\(row.seeds)" : "")
            }
        }
        var marks = markTexts(fork: "fork")
        // A row is 25 cells of numbers around its bar, then its marks.
        if inner.width - 25 - (marks.map(\.count).max() ?? 0) < 6 { marks = markTexts(fork: "f") }
        let markWidth = marks.map(\.count).max() ?? 0
        // The bar gives way first: at the narrowest, the numbers and marks stay whole without it.
        let barWidth = max(markWidth > 0 ? 0 : 4, inner.width - 25 - markWidth)
        let heading = Formatting.fitting(common.map { ["accuracy at epoch \($0)", "at epoch \($0)", "e\($0)"] }
                                             ?? ["accuracy, epoch per row", "accuracy", "acc."], barWidth)
        grid.put("skip dep  " + Formatting.padded(heading, barWidth) + "     %  Pr(ω|A)",
                 x: inner.x, y: inner.y, ink: .dim, limit: inner.width)
        let selectedGroup = snapshot.runs[safe: state.selectedRun]?.seedGroupKey
        let triplets = snapshot.runs.filter { $0.skip != nil }.map(\.asRunMetrics)
        let shares = Dictionary(Ablation.points(triplets, value: \.prOmegaMeasured).map { ($0.group, $0.mean) }) { first, _ in first }
        for (index, row) in rows.enumerated() where index + 1 < inner.height {
            let fraction = row.mean.map { ($0 - low) / max(high - low, 1e-9) } ?? 0
            let prOmega = shares[row.group] ?? nil
            let line = Formatting.rightAligned("\(row.skip)", 4) + " " + Formatting.rightAligned(row.deputies.map(String.init) ?? "", 3) + "  "
                + Formatting.bar(fraction, width: barWidth, ascii: grid.asciiOnly) + " "
                + Formatting.rightAligned(Formatting.number(row.mean, "%.2f"), 6) + "  "
                + Formatting.padded(Formatting.number(prOmega, "%.3f"), 6) + marks[index]
            grid.put(line, x: inner.x, y: inner.y + 1 + index, ink: row.forkedAt == nil ? .triplet : .fork,
                     bold: row.group == selectedGroup, limit: inner.width)
        }
        drawPrediction(snapshot.truncationPrediction, at: inner.y + 1 + rows.count, in: inner, grid: &grid)
    }

    /// The binomial bound's predicted skip under the rows, when a line is left for it.
    static func drawPrediction(_ prediction: TruncationPrediction?, at y: Int, in inner: Rect, grid: inout CellGrid) {
        guard let p = prediction, y < inner.y + inner.height else { return }
        let range = "\(p.range.lowerBound)–\(p.range.upperBound)"
        let text = Formatting.fitting([p.summary, "predicted best skip ≈ \(p.skip) (\(range)) at \(p.classes) classes",
                                       "predicted skip ≈ \(p.skip) (\(range))", "pred. ≈ \(p.skip)"], inner.width)
        grid.put(text, x: inner.x, y: y, ink: .dim, limit: inner.width)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
