import Trainer

/// The paper's Table 1, live: class divergence (under-clustering) and Pr(ω|A) analytic and
/// measured (over-clustering), with trends and a verdict in words.
enum DiagnosticsPanel {
    static func draw(_ snapshot: SessionSnapshot, _ state: UIState, in rect: Rect, grid: inout CellGrid) {
        grid.frame(rect, title: "Diagnostics · under- and over-clustering", focused: state.focus == .diagnostics)
        let inner = rect.inset(1)
        guard inner.width > 30, inner.height > 2 else { return }
        // Columns: run, epoch of its values, divergence (+ trend), Pr(ω|A) analytic, measured (+ trend).
        // Trend lines only where they fit beside the numbers; every text is chosen to fit whole.
        let trends = inner.width >= 8 + 43
        let nameWidth = max(6, min(22, inner.width - (trends ? 43 : 25)))
        let header = Formatting.padded("run", nameWidth) + Formatting.rightAligned("ep", 4) + Formatting.rightAligned("div", 6)
            + (trends ? " trend  " + Formatting.rightAligned("Pr(ω|A) an.", 12) : Formatting.rightAligned("Pr an.", 9))
            + Formatting.rightAligned("meas.", 6) + (trends ? " trend" : "")
        grid.put(header, x: inner.x, y: inner.y, ink: .dim, limit: inner.width)
        let verdicts = verdicts(snapshot.runs)
        let labels = Formatting.runLabels(snapshot.runs, width: nameWidth)
        var y = inner.y + 1
        for (index, run) in snapshot.runs.enumerated() where y < inner.y + inner.height {
            let last = run.metrics.last
            let divergence = run.metrics.compactMap(\.classDivergence)
            let measured = run.metrics.compactMap(\.prOmegaMeasured)
            let divergenceTrend = trends ? " " + Formatting.padded(Formatting.sparkline(divergence, width: 6, ascii: grid.asciiOnly), 6) + " " : ""
            let line = Formatting.padded(labels[index], nameWidth)
                + Formatting.rightAligned(last.map { "\($0.epoch)" } ?? "—", 4)
                + Formatting.rightAligned(Formatting.number(last?.classDivergence, "%.2f"), 6) + divergenceTrend
                + Formatting.rightAligned(Formatting.number(last?.prOmegaAnalytic, "%.3f", missing: run.method == .byol ? "none" : "—"), trends ? 12 : 9)
                + Formatting.rightAligned(Formatting.number(last?.prOmegaMeasured, "%.3f"), 6)
                + (trends ? " " + Formatting.sparkline(measured, width: 6, ascii: grid.asciiOnly) : "")
            grid.put(line, x: inner.x, y: y, ink: .method(run.method), bold: index == state.selectedRun, limit: inner.width)
            y += 1
            if let verdict = verdicts[run.name], y < inner.y + inner.height {
                grid.put(Formatting.fitting(verdict.map { "  ↳ " + $0 }, inner.width), x: inner.x, y: y, ink: .bad, limit: inner.width)
                y += 1
            }
        }
        if y < inner.y + inner.height - 1 {
            let legend = [["div: centre distance ÷ class spread (↑ better)", "div: centre distance ÷ class spread", "div: centre dist. ÷ spread"],
                          ["Pr(ω|A): own-class share of negatives (↓ better)", "Pr(ω|A): own-class share of negatives", "Pr: own-class share of negatives"],
                          ["ep: the epoch of the run's values", "ep: epoch of the values"]]
            let rows = inner.height >= snapshot.runs.count + 4 ? legend : Array(legend.prefix(2))
            for (offset, variants) in rows.enumerated() {
                grid.put(Formatting.fitting(variants, inner.width), x: inner.x, y: inner.y + inner.height - rows.count + offset, ink: .dim, limit: inner.width)
            }
        }
    }

    /// Words for the runs at the bad end: the smallest class divergence of the
    /// self-supervised runs (under-clustering), the largest measured Pr(ω|A) (over-clustering),
    /// and any run whose representations collapsed.
    /// Each verdict comes as its wordings, longest first; the panel shows the longest that fits.
    /// Runs are compared at the latest epoch they have all reached.
    static func verdicts(_ runs: [RunSnapshot]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        func add(_ name: String, _ wordings: [String]) {
            result[name] = result[name].map { old in zip(old, wordings).map { $0 + "; " + $1 } + wordings.suffix(1) } ?? wordings
        }
        let selfSupervised = runs.filter { $0.method.isSelfSupervised }
        // Only once training has begun and the runs really differ (by more than 2 %).
        let started = selfSupervised.filter { ($0.metrics.last?.epoch ?? 0) > 0 }
        let shared = started.compactMap { $0.metrics.last?.epoch }.min()
        let trained = started.compactMap { run -> RunSnapshot? in
            guard let row = run.metrics.last(where: { $0.epoch == shared }) else { return nil }
            var atShared = run
            atShared.metrics = [row]
            return atShared
        }
        func spread(_ values: [Double]) -> Bool {
            guard let low = values.min(), let high = values.max() else { return false }
            return values.count >= 2 && high - low > 0.02 * max(abs(high), 1e-9)
        }
        let divergences = trained.compactMap { r in r.metrics.last?.classDivergence.map { (r.name, $0) } }
        if spread(divergences.map(\.1)), let worst = divergences.min(by: { $0.1 < $1.1 }) {
            add(worst.0, ["under-clustering: classes overlap most", "under-clustering: classes overlap", "under-clustering"])
        }
        let shares = trained.compactMap { r in r.metrics.last?.prOmegaMeasured.map { (r.name, $0) } }
        if spread(shares.map(\.1)), let worst = shares.max(by: { $0.1 < $1.1 }) {
            add(worst.0, ["over-clustering: pushes own class away most", "over-clustering: pushes own class away", "over-clustering"])
        }
        for run in runs {
            guard let last = run.metrics.last, last.collapsed else { continue }
            let figures = last.embeddingStd.map { std in
                "embedding std " + Formatting.number(std, "%.3f") + ", rank " + Formatting.number(last.embeddingRank, "%.1f")
            } ?? "std " + Formatting.number(last.repStd, "%.3f") + ", rank " + Formatting.number(last.effectiveRank, "%.1f")
            let wordings = ["collapse: " + figures, "collapse"]
            result[run.name] = result[run.name].map { old in [wordings[0] + "; " + old[0], "collapse; " + (old.last ?? "")] + ["collapse"] } ?? wordings
        }
        return result
    }
}
