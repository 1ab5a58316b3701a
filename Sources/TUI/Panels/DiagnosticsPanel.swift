import Trainer

/// The paper's Table 1, live: class divergence (under-clustering) and Pr(ω|A) analytic and
/// measured (over-clustering), with trends and a verdict in words.
enum DiagnosticsPanel {
    static func draw(_ snapshot: SessionSnapshot, _ state: UIState, in rect: Rect, grid: inout CellGrid) {
        grid.frame(rect, title: "Diagnostics · under- and over-clustering", focused: state.focus == .diagnostics)
        let inner = rect.inset(1)
        guard inner.width > 30, inner.height > 2 else { return }
        // Trend lines only where they fit beside the numbers.
        let trends = inner.width >= 8 + 37
        let nameWidth = max(8, min(22, inner.width - (trends ? 37 : 23)))
        grid.put(Formatting.padded("run", nameWidth) + (trends ? "  div  trend   Pr(ω|A) an. meas. trend" : "  div Pr(ω|A) an. meas."),
                 x: inner.x, y: inner.y, ink: .dim, limit: inner.width)
        let verdicts = verdicts(snapshot.runs)
        let labels = Formatting.runLabels(snapshot.runs.map(\.name), width: nameWidth)
        var y = inner.y + 1
        for (index, run) in snapshot.runs.enumerated() where y < inner.y + inner.height {
            let last = run.metrics.last
            let divergence = run.metrics.compactMap(\.classDivergence)
            let measured = run.metrics.compactMap(\.prOmegaMeasured)
            let divergenceTrend = trends ? " " + Formatting.padded(Formatting.sparkline(divergence, width: 6, ascii: grid.asciiOnly), 6) + " " : ""
            let line = Formatting.padded(labels[index], nameWidth)
                + Formatting.rightAligned(Formatting.number(last?.classDivergence, "%.2f"), 6) + divergenceTrend
                + Formatting.rightAligned(Formatting.number(last?.prOmegaAnalytic, "%.3f", missing: run.method == .byol ? "none" : "—"), trends ? 10 : 8)
                + Formatting.rightAligned(Formatting.number(last?.prOmegaMeasured, "%.3f"), 6)
                + (trends ? " " + Formatting.sparkline(measured, width: 6, ascii: grid.asciiOnly) : "")
            grid.put(line, x: inner.x, y: y, ink: .method(run.method.rawValue), bold: index == state.selectedRun, limit: inner.width)
            y += 1
            if let verdict = verdicts[run.name], y < inner.y + inner.height {
                grid.put("  ↳ " + verdict, x: inner.x, y: y, ink: .bad, limit: inner.width)
                y += 1
            }
        }
        if y < inner.y + inner.height - 1 {
            grid.put("div: centre distance ÷ class spread (↑ better)", x: inner.x, y: inner.y + inner.height - 2, ink: .dim, limit: inner.width)
            grid.put("Pr(ω|A): own-class share of negatives (↓ better)", x: inner.x, y: inner.y + inner.height - 1, ink: .dim, limit: inner.width)
        }
    }

    /// Words for the runs at the bad end: the smallest class divergence of the
    /// self-supervised runs (under-clustering), the largest measured Pr(ω|A) (over-clustering),
    /// and any run whose representations collapsed.
    static func verdicts(_ runs: [RunSnapshot]) -> [String: String] {
        var result: [String: String] = [:]
        let selfSupervised = runs.filter { $0.method.isSelfSupervised }
        // Only once training has begun and the runs really differ (by more than 2 %).
        let trained = selfSupervised.filter { ($0.metrics.last?.epoch ?? 0) > 0 }
        func spread(_ values: [Double]) -> Bool {
            guard let low = values.min(), let high = values.max() else { return false }
            return values.count >= 2 && high - low > 0.02 * max(abs(high), 1e-9)
        }
        let divergences = trained.compactMap { r in r.metrics.last?.classDivergence.map { (r.name, $0) } }
        if spread(divergences.map(\.1)), let worst = divergences.min(by: { $0.1 < $1.1 }) {
            result[worst.0] = "under-clustering: classes overlap most"
        }
        let shares = trained.compactMap { r in r.metrics.last?.prOmegaMeasured.map { (r.name, $0) } }
        if spread(shares.map(\.1)), let worst = shares.max(by: { $0.1 < $1.1 }) {
            let text = "over-clustering: pushes own class away most"
            result[worst.0] = result[worst.0].map { $0 + "; " + text } ?? text
        }
        for run in runs {
            guard let last = run.metrics.last, last.collapsed else { continue }
            let figures = last.embeddingStd.map { std in
                "embedding std " + Formatting.number(std, "%.3f") + ", rank " + Formatting.number(last.embeddingRank, "%.1f")
            } ?? "std " + Formatting.number(last.repStd, "%.3f") + ", rank " + Formatting.number(last.effectiveRank, "%.1f")
            let text = "collapse: " + figures
            result[run.name] = result[run.name].map { text + "; " + $0 } ?? text
        }
        return result
    }
}
