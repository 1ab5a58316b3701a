import Analysis
import Trainer

/// The truncation sweep: latest accuracy (and measured Pr(ω|A)) of each triplet setting by
/// skip; runs that differ only in their seed are one row, their mean, with the seed count.
enum AblationPanel {
    /// One setting of the sweep: its seeds' latest values averaged.
    struct Row {
        var group: String
        var skip: Int
        var deputies: Int?
        var seeds: Int
        var accuracy: Double?
        var prOmega: Double?
    }

    static func rows(_ runs: [RunSnapshot], measure: AccuracyMeasure) -> [Row] {
        let triplets = runs.filter { $0.skip != nil }
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        return SeedSpread.groups(triplets) { RunMetrics.groupName(of: $0.name) }.compactMap { group -> Row? in
            guard let first = group.members.first else { return nil }
            let latest = group.members.compactMap(\.metrics.last)
            return Row(group: group.name, skip: first.skip ?? 0, deputies: first.deputies, seeds: group.members.count,
                       accuracy: mean(latest.compactMap(measure.value)),
                       prOmega: mean(latest.compactMap(\.prOmegaMeasured)))
        }.sorted { ($0.skip, $0.deputies ?? 0, $0.group) < ($1.skip, $1.deputies ?? 0, $1.group) }
    }

    static func draw(_ snapshot: SessionSnapshot, _ state: UIState, in rect: Rect, grid: inout CellGrid) {
        grid.frame(rect, title: "Ablation · \(state.measure == .knn ? "kNN" : "linear") % vs skip (s: sweep)", focused: state.focus == .ablation)
        let inner = rect.inset(1)
        guard inner.width > 24, inner.height > 1 else { return }
        let rows = rows(snapshot.runs, measure: state.measure)
        guard !rows.isEmpty else {
            grid.put("no triplet runs yet: + - set skip, Enter queues one", x: inner.x, y: inner.y, ink: .dim, limit: inner.width)
            return
        }
        let values = rows.compactMap(\.accuracy)
        let low = (values.min() ?? 0) - 1, high = (values.max() ?? 1) + 0.2
        let barWidth = max(4, inner.width - 32)
        grid.put("skip dep  " + Formatting.padded(barWidth >= 22 ? "accuracy, latest epoch" : "accuracy", barWidth) + "     %  Pr(ω|A)",
                 x: inner.x, y: inner.y, ink: .dim, limit: inner.width)
        let selectedGroup = snapshot.runs[safe: state.selectedRun].map { RunMetrics.groupName(of: $0.name) }
        for (index, row) in rows.enumerated() where index + 1 < inner.height {
            let fraction = row.accuracy.map { ($0 - low) / max(high - low, 1e-9) } ?? 0
            let line = Formatting.rightAligned("\(row.skip)", 4) + " " + Formatting.rightAligned(row.deputies.map(String.init) ?? "", 3) + "  "
                + Formatting.bar(fraction, width: barWidth, ascii: grid.asciiOnly) + " "
                + Formatting.rightAligned(Formatting.number(row.accuracy, "%.2f"), 6) + "  "
                + Formatting.number(row.prOmega, "%.3f") + (row.seeds > 1 ? "  ×\(row.seeds)" : "")
            grid.put(line, x: inner.x, y: inner.y + 1 + index, ink: .triplet, bold: row.group == selectedGroup, limit: inner.width)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
