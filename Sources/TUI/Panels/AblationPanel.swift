import Trainer

/// The truncation sweep: latest accuracy (and measured Pr(ω|A)) of each triplet run by skip.
enum AblationPanel {
    static func draw(_ snapshot: SessionSnapshot, _ state: UIState, in rect: Rect, grid: inout CellGrid) {
        grid.frame(rect, title: "Ablation · kNN % vs skip (s: sweep)", focused: state.focus == .ablation)
        let inner = rect.inset(1)
        guard inner.width > 24, inner.height > 1 else { return }
        let triplets = snapshot.runs.filter { $0.skip != nil }.sorted { ($0.skip ?? 0, $0.name) < ($1.skip ?? 0, $1.name) }
        let measured = triplets.map { run in (run, state.measure == .knn ? run.metrics.last?.knnTop1 : run.metrics.last?.linearTop1) }
        let values = measured.compactMap(\.1)
        guard !triplets.isEmpty else {
            grid.put("no triplet runs yet: + - set skip, Enter queues one", x: inner.x, y: inner.y, ink: .dim, limit: inner.width)
            return
        }
        let low = (values.min() ?? 0) - 1, high = (values.max() ?? 1) + 0.2
        let barWidth = max(4, inner.width - 32)
        grid.put("skip dep  " + Formatting.padded(barWidth >= 22 ? "accuracy, latest epoch" : "accuracy", barWidth) + "     %  Pr(ω|A)", x: inner.x, y: inner.y, ink: .dim, limit: inner.width)
        for (row, (run, value)) in measured.enumerated() where row + 1 < inner.height {
            let deputies = run.detail.split(separator: " ").last.map(String.init) ?? ""
            let fraction = value.map { ($0 - low) / max(high - low, 1e-9) } ?? 0
            let line = Formatting.rightAligned("\(run.skip ?? 0)", 4) + " " + Formatting.rightAligned(deputies, 3) + "  "
                + Formatting.bar(fraction, width: barWidth, ascii: grid.asciiOnly) + " "
                + Formatting.rightAligned(Formatting.number(value, "%.2f"), 6) + "  "
                + Formatting.number(run.metrics.last?.prOmegaMeasured, "%.3f")
            grid.put(line, x: inner.x, y: inner.y + 1 + row, ink: .triplet, bold: run.name == snapshot.runs[safe: state.selectedRun]?.name,
                     limit: inner.width)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
