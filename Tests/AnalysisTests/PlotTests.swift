import CPNG
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport
@testable import Evaluation
import Vocabulary
import Reporting

@Suite struct PlotTests {
    let blue = Colour.forMethod(.simclr), vermillion = Colour.forMethod(.moco)

    func figure() -> Figure {
        let line = Series(name: "rising", points: (0...10).map { (x: Double($0), y: Double($0) * 10) }, colour: blue)
        let flat = Series(name: "goal", points: [(0, 80), (10, 80)], colour: vermillion, dashed: true)
        return Figure(title: "Test figure", xLabel: "epoch", yLabel: "accuracy", content: .lines([line, flat]), yRange: 0...100)
    }

    func decode(_ data: Data) -> (width: Int, height: Int, rgb: [UInt8])? { decodePNG(data) }

    func distance(_ rgb: [UInt8], _ width: Int, _ x: Int, _ y: Int, to colour: Colour) -> Double {
        let i = (y * width + x) * 3
        return abs(Double(rgb[i]) / 255 - colour.red) + abs(Double(rgb[i + 1]) / 255 - colour.green) + abs(Double(rgb[i + 2]) / 255 - colour.blue)
    }

    @Test(arguments: [(1600, 1000), (800, 500)])
    func pngDecodesAtTheRequestedSizeWithSeriesWhereTheAxesSay(width: Int, height: Int) throws {
        let canvas = try RasterCanvas(width: width, height: height)
        let renderer = FigureRenderer(figure: figure(), scale: Double(width) / 1600)
        renderer.draw(on: canvas)
        let png = try #require(decode(try canvas.pngData()))
        #expect(png.width == width && png.height == height)
        guard case let .lines(series) = figure().content else { return }
        let axes = renderer.axes(for: series, on: canvas)
        // The rising line passes through (5, 50) and (2, 20); the goal line sits at y = 80.
        for (x, y) in [(5.0, 50.0), (2, 20), (9, 90)] {
            let px = Int(axes.x(x)), py = Int(axes.y(y))
            let nearest = (-1...1).flatMap { dx in (-1...1).map { dy in distance(png.rgb, width, px + dx, py + dy, to: blue) } }.min() ?? 3
            #expect(nearest < 0.2, "no line at (\(x), \(y))")
        }
        // Somewhere along the dashed goal line (it has gaps) there is its colour.
        let goalY = Int(axes.y(80))
        let hits = stride(from: Int(axes.x(0.5)), to: Int(axes.x(4)), by: 1).filter { distance(png.rgb, width, $0, goalY, to: vermillion) < 0.3 }
        #expect(hits.count > 10)
        // Far from any line the plot is white.
        #expect(distance(png.rgb, width, Int(axes.x(8)), Int(axes.y(50)), to: .white) < 0.01)
    }

    @Test func textIsReallyDrawnInTheLegend() throws {
        let canvas = try RasterCanvas(width: 1600, height: 1000)
        let renderer = FigureRenderer(figure: figure())
        renderer.draw(on: canvas)
        guard case let .lines(series) = figure().content else { return }
        let box = renderer.legendBox(series, on: canvas)
        // The names are written right of the line samples: count dark pixels there.
        var ink = 0
        for y in Int(box.y)..<Int(box.y + box.height) {
            for x in Int(box.x + 80)..<Int(box.x + box.width) {
                let c = canvas.colour(x: x, y: y)
                if c.red + c.green + c.blue < 1.5 { ink += 1 }
            }
        }
        #expect(ink > 200, "legend text ink: \(ink) pixels")
    }

    /// A 20-setting ablation has 22 curves with its reference lines, 40 on Pr(ω|A): the legend
    /// stays on the canvas (smaller text, then more columns) and leaves the plot most of it.
    @Test(arguments: [8, 22, 40])
    func longLegendsStayOnTheCanvas(count: Int) throws {
        let series = (0..<count).map { i in
            Series(name: "triplet-skip\(i)-dep9 (3 seeds)", points: [(0, Double(i)), (7, Double(i) + 1)], colour: .grey)
        }
        let figure = Figure(title: "many", xLabel: "epoch", yLabel: "y", content: .lines(series))
        let canvas = try RasterCanvas(width: 1600, height: 1000)
        let renderer = FigureRenderer(figure: figure)
        let box = renderer.legendBox(series, on: canvas), area = renderer.plotArea(on: canvas)
        #expect(box.y + box.height <= 1000 && box.x + box.width <= 1600, "legend \(box) leaves the canvas")
        #expect(box.x >= area.right, "legend over the plot")
        #expect(area.right - area.left >= 0.4 * 1600, "plot squeezed to \(area.right - area.left) px")
    }

    @Test func svgParsesAsXMLWithOnePathPerSeriesAndRealText() throws {
        let canvas = SVGCanvas(width: 1600, height: 1000)
        FigureRenderer(figure: figure()).draw(on: canvas)
        final class Collector: NSObject, XMLParserDelegate {
            var strokes: [String] = []
            var texts: [String] = []
            var inText = false
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                if name == "path", let stroke = attributes["stroke"] { strokes.append(stroke) }
                inText = name == "text"
                if inText { texts.append("") }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { texts[texts.count - 1] += string } }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { inText = false }
        }
        let collector = Collector()
        let parser = XMLParser(data: Data(canvas.document.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "SVG is not well-formed XML")
        // One data path per series, plus one legend sample each.
        #expect(collector.strokes.filter { $0 == blue.hexString }.count == 2)
        #expect(collector.strokes.filter { $0 == vermillion.hexString }.count == 2)
        #expect(collector.texts.contains("Test figure"))
        #expect(collector.texts.contains("rising") && collector.texts.contains("goal"))
    }

    @Test func ticksAreNice() {
        #expect(Ticks.nice(0...20, target: 8, integers: true).values == [0, 5, 10, 15, 20])
        #expect(Ticks.nice(76.3...85.4, target: 6).values == [76, 78, 80, 82, 84, 86])
        #expect(Ticks.label(0.25, step: 0.25) == "0.25")
        #expect(Ticks.label(80, step: 2) == "80")
    }

    @Test func exporterWritesEveryFormat() throws {
        let folder = NSTemporaryDirectory() + "export-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func rows(_ values: [Double]) -> [EpochMetrics] {
            values.enumerated().map { i, v in
                var m = EpochMetrics(epoch: i)
                m.knnTop1 = v
                m.linearTop1 = v + 1
                m.classDivergence = 1 + Double(i) / 10
                m.prOmegaMeasured = i == 0 ? nil : 0.3
                m.prOmegaAnalytic = 0.9
                return m
            }
        }
        let runs = [
            RunMetrics(RunIdentity(method: .simclr), rows: rows([70, 72, 75])),
            RunMetrics(.triplet(skip: 1), rows: rows([70, 74, 78]), centreDistances: [0, 2, 2, 0], classNames: ["a", "b"]),
            RunMetrics(.triplet(skip: 5), rows: rows([70, 75, 79])),
            RunMetrics(RunIdentity(method: .supervised), rows: rows([70, 80, 85])),
        ]
        let written = try Exporter().export(runs, dataName: "test", to: folder).written
        let names = Set(written.map { ($0 as NSString).lastPathComponent })
        for stem in ["accuracy-knn", "accuracy-linear", "class-divergence", "pr-omega", "ablation-skip", "centres-triplet-skip1-dep9"] {
            #expect(names.contains(stem + ".png") && names.contains(stem + ".svg"), "\(stem) missing")
        }
        #expect(names.isSuperset(of: ["metrics.csv", "summary.csv", "summary.md"]))
        let summary = CSV.parse(try String(contentsOfFile: folder + "/summary.csv", encoding: .utf8))
        #expect(summary.count == 5)
        // Goal 85, every run starts at 70: a quarter of the gap is 73.75 (triplet-skip1 at
        // epoch 1, simclr at 2), half of it 77.5 (triplet-skip1 at 2, simclr never).
        let header = summary[0], tripletRow = summary[2], simclrRow = summary[1]
        let quarter = try #require(header.firstIndex(of: "epochs_to_25pct_gap"))
        let half = try #require(header.firstIndex(of: "epochs_to_50pct_gap"))
        #expect(tripletRow[quarter] == "1" && simclrRow[quarter] == "2")
        #expect(tripletRow[half] == "2" && simclrRow[half] == "")
        let tidy = CSV.parse(try String(contentsOfFile: folder + "/metrics.csv", encoding: .utf8))
        #expect(tidy.count == 1 + 12 + 1 && tidy[0] == EpochMetrics.columns)  // + the supervised goal row
    }
}

@Suite struct SeedBandTests {
    func run(_ name: String, method: MethodKind, knn: [Double], seed: UInt64 = 0, skip: Int? = nil, deputies: Int? = nil) -> RunMetrics {
        let rows = knn.enumerated().map { epoch, value -> EpochMetrics in
            var m = EpochMetrics(epoch: epoch)
            m.knnTop1 = value
            m.linearTop1 = value + 1
            m.prOmegaMeasured = epoch == 0 ? nil : 0.2 + Double(skip ?? 0) / 100
            m.prOmegaAnalytic = 0.9
            return m
        }
        var r = RunMetrics(RunIdentity(method: method, negative: skip.map { .truncated(skip: $0, deputies: deputies ?? 9) }, seed: seed), run: name, rows: rows)
        r.references = References(pixelsKNN: 79.5, pixelsLinear: 82, randomInitKNN: 70, randomInitLinear: 71)
        return r
    }

    var runs: [RunMetrics] {
        [run("byol", method: .byol, knn: [70, 72, 76]),
         run("byol-seed1", method: .byol, knn: [70, 74, 78], seed: 1),
         run("byol-seed2", method: .byol, knn: [70, 73, 80], seed: 2),
         run("supervised", method: .supervised, knn: [70, 80, 85])]
    }

    @Test func seedsBecomeOneMeanCurveWithAMinMaxBand() throws {
        let figure = Figures.accuracy(runs, measure: .knn, dataName: "test")
        guard case .lines(let series) = figure.content else { Issue.record("not lines"); return }
        let byol = try #require(series.first { $0.name.hasPrefix("byol") })
        #expect(byol.name == "byol (3 seeds)")
        #expect(byol.points.map(\.y) == [70, 73, 78])
        #expect(byol.band.map(\.low) == [70, 72, 76] && byol.band.map(\.high) == [70, 74, 80])
        #expect(series.filter { $0.name.hasPrefix("byol") }.count == 1)
        // Reference lines: dashed, flat, named with their value.
        let names = series.filter(\.dashed).map(\.name)
        #expect(names.contains("raw pixels (79.5)") && names.contains("random init (70.0)") && names.contains("supervised goal (85.0)"))
    }

    @Test func coincidingAnalyticLinesShareOneNamedLine() throws {
        func withAnalytic(_ run: RunMetrics, _ value: Double) -> RunMetrics {
            var r = run
            for i in r.rows.indices { r.rows[i].prOmegaAnalytic = value }
            return r
        }
        // simclr and moco are both 1.000 (moco one epoch shorter, still training); skip 30 is not.
        let runs = [withAnalytic(run("simclr", method: .simclr, knn: [70, 72, 74]), 1),
                    withAnalytic(run("moco", method: .moco, knn: [70, 72]), 1),
                    withAnalytic(run("triplet-skip30-dep9", method: .triplet, knn: [70, 71, 73], skip: 30, deputies: 9), 0.1486)]
        let figure = Figures.falseNegatives(runs)
        guard case .lines(let series) = figure.content else { Issue.record("not lines"); return }
        let analytic = series.filter(\.dashed)
        #expect(analytic.map(\.name) == ["analytic: simclr, moco", "triplet-skip30-dep9 (analytic)"])
        #expect(analytic[0].points.map(\.x) == [1, 2] && analytic[0].points.allSatisfy { $0.y == 1 })
        #expect(analytic[0].colour == .grey)
    }

    @Test func bandIsShadedInPNGAndAPolygonInSVG() throws {
        let figure = Figures.accuracy(runs, measure: .knn, dataName: "test")
        let renderer = FigureRenderer(figure: figure, scale: 0.5)
        let svg = SVGCanvas(width: 800, height: 500)
        renderer.draw(on: svg)
        #expect(svg.document.components(separatedBy: "<polygon").count - 1 == 1)
        let raster = try RasterCanvas(width: 800, height: 500)
        renderer.draw(on: raster)
        // Halfway between the lowest (76) and highest (80) seed at the last epoch, just left
        // of it, the band tints the white background towards the byol colour.
        let axes = renderer.axes(for: { if case .lines(let s) = figure.content { return s } else { return [] } }(), on: raster)
        let x = Int(axes.x(1.9)), y = Int(axes.y(78.6))
        let colour = raster.colour(x: x, y: y)
        #expect(colour != .white && colour.green > colour.red, "no band at (\(x), \(y)): \(colour)")
    }

    @Test func summaryGivesMeanAndStdOverSeedsAndTheCSVHasReferenceRows() {
        let markdown = Tables.summaryMarkdown(runs)
        #expect(markdown.contains("| byol | byol | 3 | 78.00 ± 2.00 |"), "\(markdown)")
        let summary = CSV.parse(Tables.summaryCSV(runs))
        let header = summary[0]
        let byol = summary[1]
        #expect(header.prefix(5) == ["run", "method", "seeds", "final_knn", "final_knn_std"])
        #expect(byol.prefix(5) == ["byol", "byol", "3", "78.00", "2.00"])
        let tidy = CSV.parse(Tables.tidyCSV(runs))
        let references = tidy.filter { $0.count > 1 && $0[1] == "reference" }
        #expect(references.map(\.first) == ["raw pixels", "random init", "supervised goal"])
        #expect(references.first?[4] == "79.50" && references.first?[5] == "82.00")
    }

    @Test func aLargeSweepIsColouredBySkipAndDashedByDeputies() throws {
        var sweep = [run("simclr", method: .simclr, knn: [70, 75])]
        for skip in [0, 1, 10, 30, 100] {
            for deputies in [1, 9] {
                sweep.append(run("triplet-skip\(skip)-dep\(deputies)", method: .triplet, knn: [70, 75], skip: skip, deputies: deputies))
            }
        }
        let figure = Figures.accuracy(sweep, measure: .knn, dataName: "test")
        guard case .lines(let series) = figure.content else { Issue.record("not lines"); return }
        let triplets = series.filter { $0.name.hasPrefix("triplet") }
        // Most deputies first, each by skip: the legend reads as two ramps.
        #expect(triplets.map(\.name) == [0, 1, 10, 30, 100].map { "triplet-skip\($0)-dep9" } + [0, 1, 10, 30, 100].map { "triplet-skip\($0)-dep1" })
        #expect(triplets.prefix(5).allSatisfy { !$0.dashed } && triplets.suffix(5).allSatisfy(\.dashed))
        #expect(Set(triplets.map(\.colour.hexString)).count == 5)
        #expect(zip(triplets.prefix(5), triplets.suffix(5)).allSatisfy { $0.colour == $1.colour })
        #expect(triplets.first?.colour == Colour.ramp(0) && triplets[4].colour == Colour.ramp(1))
        // Other methods keep their colour.
        #expect(series.first { $0.name == "simclr" }?.colour == Colour.forMethod(.simclr))

        // A sweep the palette can tell apart keeps the palette, solid.
        let small = [run("triplet-skip1-dep9", method: .triplet, knn: [70, 75], skip: 1, deputies: 9),
                     run("triplet-skip30-dep9", method: .triplet, knn: [70, 76], skip: 30, deputies: 9)]
        guard case .lines(let few) = Figures.accuracy(small, measure: .knn, dataName: "test").content else { return }
        #expect(few.first?.colour == Colour.forMethod(.triplet) && !few.prefix(2).contains(where: \.dashed))
    }

    @Test func ablationHasOneSeriesPerDeputiesWithErrorBarsOverSeeds() throws {
        var sweep: [RunMetrics] = []
        for skip in [0, 10] {
            for deputies in [1, 9] {
                for seed in 0..<2 {
                    let name = "triplet-skip\(skip)-dep\(deputies)" + (seed > 0 ? "-seed\(seed)" : "")
                    let final: Double = 75 + Double(skip) / 10 + Double(seed)
                    sweep.append(run(name, method: .triplet, knn: [70, final], seed: UInt64(seed), skip: skip, deputies: deputies))
                }
            }
        }
        let figure = try #require(Figures.ablation(sweep, measure: .knn))
        guard case .lines(let series) = figure.content else { Issue.record("not lines"); return }
        #expect(series.map(\.name) == ["9 deputies (mean ± std of 2 seeds)", "1 deputy (mean ± std of 2 seeds)",
                                       "raw pixels (79.5)", "random init (70.0)"])
        #expect(series[0].points.map(\.x) == [0, 10] && series[0].points.map(\.y) == [75.5, 76.5])
        // The baselines: dashed levels across the skips, drawn without markers.
        #expect(series[2...].allSatisfy { $0.dashed && $0.isReference && $0.points.map(\.x) == [0, 10] })
        #expect(series[2].points.map(\.y) == [79.5, 79.5] && !series[0].isReference)
        #expect(abs(series[0].errors[0] - 0.5.squareRoot()) < 1e-9)
        let pr = try #require(Figures.ablationFalseNegatives(sweep))
        guard case .lines(let prSeries) = pr.content else { return }
        #expect(prSeries.contains { $0.name.hasPrefix("analytic") })
    }
}
