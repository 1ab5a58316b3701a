import Foundation

/// Lays out a figure (title, axes, ticks, grid, series, legend or heat map) on any canvas,
/// so the PNG and the SVG of a figure are the same drawing.
public struct FigureRenderer {
    public let figure: Figure
    /// Multiplies every size: 1 for a 1600×1000 figure.
    public let scale: Double

    public init(figure: Figure, scale: Double = 1) {
        self.figure = figure
        self.scale = scale
    }

    /// The plotting area in canvas pixels (left, top, right, bottom), for tests.
    public func plotArea(on canvas: Canvas) -> (left: Double, top: Double, right: Double, bottom: Double) {
        if case .heatMap = figure.content {
            // Room for the colour bar on the right and turned column labels below.
            return (150 * scale, 100 * scale, canvas.width - 160 * scale, canvas.height - 230 * scale)
        }
        let (top, bottom) = plotSpan(on: canvas)
        let legend = legendOutside ? legendWidth(on: canvas) + 20 * scale : 0
        return (150 * scale, top, canvas.width - 50 * scale - legend, bottom)
    }

    /// The plot's top and bottom edges (line figures), which fix how many legend rows fit.
    private func plotSpan(on canvas: Canvas) -> (top: Double, bottom: Double) {
        ((100 + 25 * Double(captionLines(on: canvas).count)) * scale, canvas.height - 120 * scale)
    }

    /// How the legend beside the plot is laid out: rows per column, columns, row height and
    /// text size. A legend a little too long for the plot's height is set smaller (down to
    /// 70 %); a much longer one (a 20-setting ablation with its reference lines) continues
    /// in further columns rather than running off the canvas.
    private func legendLayout(_ count: Int, on canvas: Canvas) -> (rows: Int, columns: Int, row: Double, text: Double) {
        let row = 38 * scale, text = 24 * scale
        guard legendOutside, count > 0 else { return (max(count, 1), 1, row, text) }
        let (top, bottom) = plotSpan(on: canvas)
        let room = bottom - top - 20 * scale
        let fit = max(1, Int(room / row))
        if count <= fit { return (count, 1, row, text) }
        let shrink = room / (Double(count) * row)
        if shrink >= 0.7 { return (count, 1, row * shrink, text * shrink) }
        let rows = max(1, Int(room / (0.7 * row)))
        return (rows, (count + rows - 1) / rows, 0.7 * row, 0.7 * text)
    }

    /// Many series (seed groups and reference lines) get their legend beside the plot
    /// instead of over it; so do sparse marked figures (an ablation), whose few points a
    /// legend inside would hide.
    var legendOutside: Bool {
        if case let .lines(series) = figure.content { return series.count > 5 || (figure.markers && series.count > 3) }
        return false
    }

    func legendWidth(on canvas: Canvas) -> Double {
        guard case let .lines(series) = figure.content else { return 0 }
        let layout = legendLayout(series.count, on: canvas)
        let widest = series.map { canvas.textWidth($0.name, size: layout.text) }.max() ?? 0
        return Double(layout.columns) * (widest + 100 * scale * layout.text / (24 * scale))
    }

    /// The caption, on two lines (split at a "; ") when one would not fit the width.
    func captionLines(on canvas: Canvas) -> [String] {
        guard let caption = figure.caption else { return [] }
        let size = 19 * scale, room = canvas.width - 80 * scale
        guard canvas.textWidth(caption, size: size) > room else { return [caption] }
        let parts = caption.components(separatedBy: "; ")
        var best = [caption], bestWidth = Double.infinity
        for cut in 1..<max(parts.count, 1) {
            let lines = [parts[..<cut].joined(separator: "; ") + ";", parts[cut...].joined(separator: "; ")]
            let widest = lines.map { canvas.textWidth($0, size: size) }.max() ?? 0
            if widest < bestWidth { best = lines; bestWidth = widest }
        }
        return best
    }

    public func draw(on canvas: Canvas) {
        let area = plotArea(on: canvas)
        canvas.text(figure.title, x: canvas.width / 2, y: 60 * scale, size: 34 * scale, colour: .black,
                    anchor: .middle, vertical: false, bold: true)
        for (i, line) in captionLines(on: canvas).enumerated() {
            canvas.text(line, x: canvas.width / 2, y: (98 + 25 * Double(i)) * scale, size: 19 * scale, colour: Colour(0.35, 0.35, 0.35),
                        anchor: .middle, vertical: false, bold: false)
        }
        canvas.text(figure.xLabel, x: (area.left + area.right) / 2, y: canvas.height - 30 * scale, size: 28 * scale,
                    colour: .black, anchor: .middle, vertical: false, bold: false)
        canvas.text(figure.yLabel, x: 45 * scale, y: (area.top + area.bottom) / 2, size: 28 * scale, colour: .black,
                    anchor: .middle, vertical: true, bold: false)
        switch figure.content {
        case let .lines(series): drawLines(series, area: area, on: canvas)
        case let .heatMap(values, labels): drawHeatMap(values, labels: labels, area: area, on: canvas)
        }
    }

    /// Data ranges → pixel mapping of a line chart.
    public struct Axes {
        public let xTicks: [Double], yTicks: [Double]
        public let xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
        public let area: (left: Double, top: Double, right: Double, bottom: Double)

        public func x(_ v: Double) -> Double {
            area.left + (v - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * (area.right - area.left)
        }
        public func y(_ v: Double) -> Double {
            area.bottom - (v - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * (area.bottom - area.top)
        }
    }

    public func axes(for series: [Series], on canvas: Canvas) -> Axes {
        let xs = series.flatMap { $0.points.map(\.x) } + (figure.shadedX.map { [$0.lowerBound, $0.upperBound] } ?? [])
        var ys: [Double] = []
        for s in series {
            for (i, p) in s.points.enumerated() {
                let e = i < s.errors.count ? s.errors[i] : 0
                ys += [p.y - e, p.y + e]
            }
            ys += s.band.flatMap { [$0.low, $0.high] }
        }
        let finiteX = xs.filter(\.isFinite), finiteY = ys.filter(\.isFinite)
        let xRaw = (finiteX.min() ?? 0)...(finiteX.max() ?? 1)
        let yRaw = figure.yRange ?? ((finiteY.min() ?? 0)...(finiteY.max() ?? 1))
        let integerX = finiteX.allSatisfy { $0 == $0.rounded() }
        let xt = Ticks.nice(xRaw, target: 8, integers: integerX), yt = Ticks.nice(yRaw, target: 6)
        return Axes(xTicks: xt.values, yTicks: yt.values, xRange: xt.range, yRange: figure.yRange ?? yt.range,
                    area: plotArea(on: canvas))
    }

    private func drawLines(_ series: [Series], area: (left: Double, top: Double, right: Double, bottom: Double), on canvas: Canvas) {
        let axes = axes(for: series, on: canvas)
        let xStep = axes.xTicks.count > 1 ? axes.xTicks[1] - axes.xTicks[0] : 1
        let yStep = axes.yTicks.count > 1 ? axes.yTicks[1] - axes.yTicks[0] : 1
        for t in axes.yTicks where axes.yRange.contains(t) {
            canvas.polyline([(area.left, axes.y(t)), (area.right, axes.y(t))], colour: .lightGrey, width: 1.5 * scale, dash: nil)
            canvas.text(Ticks.label(t, step: yStep), x: area.left - 14 * scale, y: axes.y(t) + 9 * scale, size: 24 * scale,
                        colour: .black, anchor: .end, vertical: false, bold: false)
        }
        for t in axes.xTicks where axes.xRange.contains(t) {
            canvas.polyline([(axes.x(t), area.bottom), (axes.x(t), area.bottom + 10 * scale)], colour: .black, width: 2 * scale, dash: nil)
            canvas.text(Ticks.label(t, step: xStep), x: axes.x(t), y: area.bottom + 40 * scale, size: 24 * scale,
                        colour: .black, anchor: .middle, vertical: false, bold: false)
        }
        canvas.polyline([(area.left, area.top), (area.left, area.bottom), (area.right, area.bottom)],
                        colour: .black, width: 2 * scale, dash: nil)
        // The shaded range and the bands first, under every line.
        if let shaded = figure.shadedX {
            let left = max(area.left, axes.x(shaded.lowerBound)), right = min(area.right, axes.x(shaded.upperBound))
            canvas.fillBand(upper: [(left, area.top), (right, area.top)], lower: [(left, area.bottom), (right, area.bottom)],
                            colour: .grey, opacity: 0.16)
        }
        for s in series where s.band.count == s.points.count && s.points.count >= 2 {
            let upper = zip(s.points, s.band).map { (x: axes.x($0.x), y: axes.y($1.high)) }
            let lower = zip(s.points, s.band).map { (x: axes.x($0.x), y: axes.y($1.low)) }
            canvas.fillBand(upper: upper, lower: lower, colour: s.colour, opacity: 0.18)
        }
        for s in series {
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }.map { (x: axes.x($0.x), y: axes.y($0.y)) }
            for (i, p) in s.points.enumerated() where i < s.errors.count && s.errors[i] > 0 {
                let top = axes.y(p.y + s.errors[i]), bottom = axes.y(p.y - s.errors[i]), x = axes.x(p.x)
                canvas.polyline([(x, top), (x, bottom)], colour: s.colour, width: 2.5 * scale, dash: nil)
                canvas.polyline([(x - 8 * scale, top), (x + 8 * scale, top)], colour: s.colour, width: 2.5 * scale, dash: nil)
                canvas.polyline([(x - 8 * scale, bottom), (x + 8 * scale, bottom)], colour: s.colour, width: 2.5 * scale, dash: nil)
            }
            canvas.polyline(points, colour: s.colour, width: 4 * scale, dash: s.dashed ? 14 * scale : nil)
            if figure.markers && !s.isReference || points.count == 1 {
                for p in points { canvas.fillCircle(x: p.x, y: p.y, radius: 7 * scale, colour: s.colour) }
            }
        }
        drawLegend(series, area: area, on: canvas)
    }

    /// The legend box: in the corner of the plot that hides the fewest data points.
    public func legendBox(_ series: [Series], on canvas: Canvas) -> (x: Double, y: Double, width: Double, height: Double) {
        let area = plotArea(on: canvas)
        let layout = legendLayout(series.count, on: canvas), margin = 20 * scale
        let widest = series.map { canvas.textWidth($0.name, size: layout.text) }.max() ?? 0
        let width = Double(layout.columns) * (widest + 100 * scale * layout.text / (24 * scale))
        let height = Double(layout.rows) * layout.row + 20 * scale
        if legendOutside { return (area.right + 20 * scale, area.top, width, height) }
        let axes = axes(for: series, on: canvas)
        // Points along every series, densely enough to catch lines crossing a box.
        var samples: [(Double, Double)] = []
        for s in series {
            let pixels = s.points.map { (axes.x($0.x), axes.y($0.y)) }
            for (a, b) in zip(pixels, pixels.dropFirst()) {
                for k in 0..<16 { let t = Double(k) / 16; samples.append((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)) }
            }
            samples += pixels
        }
        let corners = [(area.right - width - margin, area.bottom - height - margin),
                       (area.right - width - margin, area.top + margin),
                       (area.left + margin, area.bottom - height - margin),
                       (area.left + margin, area.top + margin)]
        let best = corners.min { a, b in
            func hidden(_ c: (Double, Double)) -> Int {
                samples.filter { $0.0 >= c.0 - 5 && $0.0 <= c.0 + width + 5 && $0.1 >= c.1 - 5 && $0.1 <= c.1 + height + 5 }.count
            }
            return hidden(a) < hidden(b)
        } ?? corners[0]
        return (best.0, best.1, width, height)
    }

    private func drawLegend(_ series: [Series], area: (left: Double, top: Double, right: Double, bottom: Double), on canvas: Canvas) {
        guard !series.isEmpty else { return }
        let box = legendBox(series, on: canvas)
        canvas.fillRectangle(x: box.x, y: box.y, width: box.width, height: box.height, colour: .white)
        canvas.polyline([(box.x, box.y), (box.x + box.width, box.y), (box.x + box.width, box.y + box.height),
                         (box.x, box.y + box.height), (box.x, box.y)], colour: .grey, width: 1.5 * scale, dash: nil)
        let layout = legendLayout(series.count, on: canvas), k = layout.text / (24 * scale)
        let columnWidth = box.width / Double(layout.columns)
        for (i, s) in series.enumerated() {
            let x = box.x + columnWidth * Double(i / layout.rows)
            let y = box.y + 10 * scale + layout.row * (Double(i % layout.rows) + 0.5)
            canvas.polyline([(x + 15 * scale * k, y), (x + 70 * scale * k, y)], colour: s.colour, width: 4 * scale,
                            dash: s.dashed ? 9 * scale : nil)
            canvas.text(s.name, x: x + 85 * scale * k, y: y + 8 * scale * k, size: layout.text, colour: .black,
                        anchor: .start, vertical: false, bold: false)
        }
    }

    private func drawHeatMap(_ values: [Double], labels: [String], area: (left: Double, top: Double, right: Double, bottom: Double),
                             on canvas: Canvas) {
        let n = labels.count
        guard n > 0, values.count == n * n else { return }
        let side = min(area.right - area.left, area.bottom - area.top)
        let cell = side / Double(n)
        let left = area.left + (area.right - area.left - side) / 2, top = area.top
        let finite = values.filter(\.isFinite)
        let low = finite.min() ?? 0, high = max(finite.max() ?? 1, low + 1e-12)
        for r in 0..<n {
            for c in 0..<n {
                let t = (values[r * n + c] - low) / (high - low)
                let colour = Self.viridis(t.isFinite ? t : 0)
                canvas.fillRectangle(x: left + Double(c) * cell, y: top + Double(r) * cell, width: cell + 0.5, height: cell + 0.5, colour: colour)
                if n <= 12 {
                    canvas.text(String(format: "%.1f", values[r * n + c]), x: left + (Double(c) + 0.5) * cell,
                                y: top + (Double(r) + 0.5) * cell + 8 * scale, size: 20 * scale,
                                colour: t > 0.6 ? .black : .white, anchor: .middle, vertical: false, bold: false)
                }
            }
            canvas.text(labels[r], x: left - 10 * scale, y: top + (Double(r) + 0.5) * cell + 8 * scale, size: 20 * scale,
                        colour: .black, anchor: .end, vertical: false, bold: false)
            // Column labels: level when they fit the cell, else turned to read upwards.
            let fits = (labels.map { canvas.textWidth($0, size: 20 * scale) }.max() ?? 0) < cell - 4 * scale
            canvas.text(labels[r], x: left + (Double(r) + 0.5) * cell + (fits ? 0 : 7 * scale), y: top + side + (fits ? 30 : 12) * scale,
                        size: 20 * scale, colour: .black, anchor: fits ? .middle : .end, vertical: !fits, bold: false)
        }
        // Colour bar.
        let barX = left + side + 30 * scale
        for i in 0..<100 {
            let t = Double(i) / 99
            canvas.fillRectangle(x: barX, y: top + side * (1 - t) - side / 100, width: 30 * scale, height: side / 100 + 1,
                                 colour: Self.viridis(t))
        }
        for (t, v) in [(0.0, low), (1.0, high)] {
            canvas.text(String(format: "%.2f", v), x: barX + 40 * scale, y: top + side * (1 - t) + 8 * scale, size: 20 * scale,
                        colour: .black, anchor: .start, vertical: false, bold: false)
        }
    }

    /// A perceptually uniform, colour-blind-safe map (viridis, piecewise linear).
    static func viridis(_ t: Double) -> Colour {
        let stops: [UInt32] = [0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779, 0x6DCD59, 0xB4DE2C, 0xFDE725]
        let x = min(max(t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2), f = x - Double(i)
        let a = Colour(hex: stops[i]), b = Colour(hex: stops[i + 1])
        return Colour(a.red + (b.red - a.red) * f, a.green + (b.green - a.green) * f, a.blue + (b.blue - a.blue) * f)
    }
}
