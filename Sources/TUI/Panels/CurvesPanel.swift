import Evaluation
import Trainer
import Vocabulary

/// Learning curves: accuracy against epoch for every run, at braille resolution, with
/// labelled axes, the supervised goal line dashed, a legend, the selected run on top.
enum CurvesPanel {
    static func draw(_ snapshot: SessionSnapshot, _ state: UIState, in rect: Rect, grid: inout CellGrid) {
        let measureName = state.measure == .knn ? "kNN" : "linear probe"
        grid.frame(rect, title: "Learning curves · \(measureName) top-1 % vs epoch (m toggles)", focused: state.focus == .curves)
        let inner = rect.inset(1)
        guard inner.width > 12, inner.height > 5 else { return }
        let value = state.measure.value
        // Runs that differ only in their seed are one curve: the mean, with a light band
        // between the lowest and highest seed.
        let groups = SeedGroup.of(snapshot.runs, value: value)
        let selectedGroup = snapshot.runs.indices.contains(state.selectedRun)
            ? snapshot.runs[state.selectedRun].seedGroupKey : nil
        // Reference lines: raw pixels and random initialisation, dashed and dim.
        let references = [("pixels", snapshot.references?.pixels(state.measure)), ("init", snapshot.references?.randomInit(state.measure))]
            .compactMap { name, value in value.map { (name, $0) } }
        drawLegend(groups, references: references, selectedGroup: selectedGroup, in: inner, grid: &grid)
        let plot = Rect(x: inner.x + 7, y: inner.y + 2, width: inner.width - 8, height: inner.height - 4)
        let all = groups.flatMap { $0.points.flatMap { [$0.low, $0.high] } } + (groups.isEmpty ? [] : references.map(\.1))
        guard !all.isEmpty, plot.width > 4, plot.height > 2 else {
            grid.put("waiting for the first evaluation…", x: plot.x, y: plot.y + plot.height / 2, ink: .dim)
            return
        }
        let maxEpoch = Double(max(snapshot.runs.map(\.totalEpochs).max() ?? 1, 1))
        var low = all.min() ?? 0, high = all.max() ?? 100
        if high - low < 1 { low -= 0.5; high += 0.5 }
        let pad = (high - low) * 0.05
        low -= pad
        high += pad
        var canvas = BrailleCanvas(columns: plot.width, rows: plot.height)
        func dotX(_ epoch: Double) -> Int { Int((epoch / maxEpoch * Double(canvas.dotWidth - 1)).rounded()) }
        func dotY(_ v: Double) -> Int { Int(((high - v) / (high - low) * Double(canvas.dotHeight - 1)).rounded()) }
        for (_, value) in references {
            canvas.line(from: (0, dotY(value)), to: (canvas.dotWidth - 1, dotY(value)), ink: .dim, dashed: true)
        }
        // Bands first, then the lines; the selected run's group last, so it is on top.
        let order = groups.filter { $0.key != selectedGroup } + groups.filter { $0.key == selectedGroup }
        for group in order where group.seeds > 1 {
            let ink = group.ink
            for (a, b) in zip(group.points, group.points.dropFirst()) {
                let (x0, x1) = (dotX(a.epoch), dotX(b.epoch))
                for dx in x0...max(x0, x1) {
                    let t = x1 > x0 ? Double(dx - x0) / Double(x1 - x0) : 0
                    let top = dotY(a.high + t * (b.high - a.high)), bottom = dotY(a.low + t * (b.low - a.low))
                    for dy in min(top, bottom)...max(top, bottom) where dx % 2 == 0 && dy % 3 == 0 { canvas.set(dx, dy, ink: ink) }
                }
            }
        }
        for group in order {
            let points = group.points.map { (dotX($0.epoch), dotY($0.mean)) }
            let ink = group.ink
            let dashed = group.method == .supervised
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

extension CurvesPanel {
    /// At most two lines of coloured names above the plot. Names are shortened when they do
    /// not fit ("skip10-dep1" for "triplet-skip10-dep1"), then the last groups give way to
    /// "+N more"; the reference lines always show.
    static func drawLegend(_ groups: [SeedGroup], references: [(String, Double)], selectedGroup: String?,
                           in inner: Rect, grid: inout CellGrid) {
        typealias Item = (text: String, ink: Ink, bold: Bool)
        let referenceItems: [Item] = references.map { name, value in
            ((grid.asciiOnly ? ".. " : "┄ ") + name + " " + Formatting.number(value, "%.1f") + "  ", .dim, false)
        }
        func groupItems(_ width: Int) -> [Item] {
            zip(groups, RunIdentity.labels(groups.map(\.identity), width: width, seeded: false)).map { group, label in
                ((grid.asciiOnly ? "- " : "━ ") + label + (group.seeds > 1 ? " ×\(group.seeds)" : "") + "  ",
                 group.ink, group.key == selectedGroup)
            }
        }
        /// Where each item goes, wrapping at the panel's width; nil when more than two lines.
        func placed(_ items: [Item]) -> [(item: Item, x: Int, y: Int)]? {
            var x = inner.x, y = inner.y, result: [(item: Item, x: Int, y: Int)] = []
            for item in items {
                if x + item.text.count > inner.x + inner.width && x > inner.x { x = inner.x; y += 1 }
                guard y < inner.y + 2 else { return nil }
                result.append((item, x, y))
                x += item.text.count
            }
            return result
        }
        var layout = placed(groupItems(.max) + referenceItems)
        for width in [13, 8] where layout == nil { layout = placed(groupItems(width) + referenceItems) }
        if layout == nil {
            var shown = groupItems(8)
            while layout == nil, !shown.isEmpty {
                shown.removeLast()
                layout = placed(shown + [("+\(groups.count - shown.count) more  ", .dim, false)] + referenceItems)
            }
        }
        for entry in layout ?? [] {
            grid.put(entry.item.text, x: entry.x, y: entry.y, ink: entry.item.ink, bold: entry.item.bold, limit: inner.x + inner.width - entry.x)
        }
    }
}

/// The runs of the curves panel that differ only in their seed, with the mean and range
/// of their values at each epoch.
struct SeedGroup {
    /// The seed group's key (`RunSnapshot.seedGroupKey`) and its name as shown.
    var key: String
    /// The first member's identity: its group name is what the legend shows.
    var identity: RunIdentity
    var method: MethodKind { identity.method }
    var seeds: Int
    var forked: Bool
    var points: [(epoch: Double, mean: Double, low: Double, high: Double)]

    /// Forks are drawn in a colour related to their parent's.
    var ink: Ink { forked ? .fork : .method(method) }

    static func of(_ runs: [RunSnapshot], value: (EpochMetrics) -> Double?) -> [SeedGroup] {
        SeedSpread.groups(runs, key: \.seedGroupKey).compactMap { group in
            guard let first = group.members.first else { return nil }
            // A fork's curve starts at the epoch it was forked at, joined to its parent's.
            let spread = SeedSpread.perEpoch(group.members.map { run in
                run.metrics.filter { $0.epoch >= (run.forkedAt ?? 0) }.compactMap { m in value(m).map { (m.epoch, $0) } }
            })
            return SeedGroup(key: group.name, identity: first.identity, seeds: group.members.count, forked: first.forkedAt != nil,
                             points: spread.map { (Double($0.epoch), $0.mean, $0.low, $0.high) })
        }
    }
}
