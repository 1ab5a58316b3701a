import Analysis
import Trainer

/// Learning curves: accuracy against epoch for every run, at braille resolution, with
/// labelled axes, the supervised goal line dashed, a legend, the selected run on top.
enum CurvesPanel {
    static func draw(_ snapshot: SessionSnapshot, _ state: UIState, in rect: Rect, grid: inout CellGrid) {
        let measureName = state.measure == .knn ? "kNN" : "linear probe"
        grid.frame(rect, title: "Learning curves · \(measureName) top-1 % vs epoch (m toggles)", focused: state.focus == .curves)
        let inner = rect.inset(1)
        guard inner.width > 12, inner.height > 5 else { return }
        let value: (EpochMetrics) -> Double? = state.measure == .knn ? { $0.knnTop1 } : { $0.linearTop1 }
        // Legend: one line (or two) of coloured names at the top.
        var x = inner.x, y = inner.y
        for (i, run) in snapshot.runs.enumerated() {
            let label = (grid.asciiOnly ? "- " : "━ ") + run.name + "  "
            if x + label.count > inner.x + inner.width { x = inner.x; y += 1 }
            guard y < inner.y + 2 else { break }
            grid.put(label, x: x, y: y, ink: .method(run.method.rawValue), bold: i == state.selectedRun)
            x += label.count
        }
        let plot = Rect(x: inner.x + 7, y: inner.y + 2, width: inner.width - 8, height: inner.height - 4)
        let series = snapshot.runs.map { run in run.metrics.compactMap { m in value(m).map { (Double(m.epoch), $0) } } }
        let all = series.flatMap { $0 }
        guard !all.isEmpty, plot.width > 4, plot.height > 2 else {
            grid.put("waiting for the first evaluation…", x: plot.x, y: plot.y + plot.height / 2, ink: .dim)
            return
        }
        let maxEpoch = Double(max(snapshot.runs.map(\.totalEpochs).max() ?? 1, 1))
        var low = all.map(\.1).min() ?? 0, high = all.map(\.1).max() ?? 100
        if high - low < 1 { low -= 0.5; high += 0.5 }
        let pad = (high - low) * 0.05
        low -= pad
        high += pad
        var canvas = BrailleCanvas(columns: plot.width, rows: plot.height)
        func dot(_ epoch: Double, _ v: Double) -> (Int, Int) {
            (Int((epoch / maxEpoch * Double(canvas.dotWidth - 1)).rounded()),
             Int(((high - v) / (high - low) * Double(canvas.dotHeight - 1)).rounded()))
        }
        // Selected run last, so it is drawn on top.
        let order = snapshot.runs.indices.filter { $0 != state.selectedRun } + (snapshot.runs.indices.contains(state.selectedRun) ? [state.selectedRun] : [])
        for i in order {
            let points = series[i].map { dot($0.0, $0.1) }
            let ink = Ink.method(snapshot.runs[i].method.rawValue)
            let dashed = snapshot.runs[i].method == .supervised
            if points.count == 1 { canvas.set(points[0].0, points[0].1, ink: ink) }
            for (a, b) in zip(points, points.dropFirst()) { canvas.line(from: a, to: b, ink: ink, dashed: dashed) }
        }
        canvas.draw(into: &grid, x: plot.x, y: plot.y)
        // Axes: y labels at top, middle, bottom; x labels at 0, half and the last epoch.
        for (row, v) in [(0, high), (plot.height / 2, (high + low) / 2), (plot.height - 1, low)] {
            grid.put(Formatting.rightAligned(Formatting.number(v, "%.1f"), 6), x: inner.x, y: plot.y + row, ink: .dim)
        }
        let axisY = plot.y + plot.height
        grid.put(String(repeating: grid.asciiOnly ? "-" : "─", count: plot.width), x: plot.x, y: axisY, ink: .dim)
        for epoch in [0, Int(maxEpoch) / 2, Int(maxEpoch)] {
            let column = plot.x + Int(Double(epoch) / maxEpoch * Double(plot.width - 1))
            let label = "\(epoch)"
            grid.put(label, x: min(column, plot.x + plot.width - label.count), y: axisY + 1, ink: .dim)
        }
        grid.put("epoch", x: plot.x + plot.width / 2 - 2, y: axisY + 1, ink: .dim)
    }
}
