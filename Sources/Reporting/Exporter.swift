import Foundation
import Vocabulary
import Evaluation

/// Writes the figures and tables of a set of runs into a folder, each file atomically.
public struct Exporter {
    public enum Format: String, CaseIterable, Sendable { case png, svg, csv, md }

    public var formats: Set<Format>
    public var width: Int
    public var height: Int

    public init(formats: Set<Format> = Set(Format.allCases), width: Int = 1600, height: Int = 1000) {
        self.formats = formats
        self.width = width
        self.height = height
    }

    /// The figures of `runs`, by file stem.
    public func figures(_ runs: [RunMetrics], dataName: String) -> [(stem: String, figure: Figure)] {
        var result: [(String, Figure)] = [
            ("accuracy-knn", Figures.accuracy(runs, measure: .knn, dataName: dataName)),
            ("class-divergence", Figures.divergence(runs)),
            ("pr-omega", Figures.falseNegatives(runs)),
        ]
        if runs.contains(where: { $0.rows.contains { $0.linearTop1 != nil } }) {
            result.insert(("accuracy-linear", Figures.accuracy(runs, measure: .linear, dataName: dataName)), at: 1)
        }
        if let ablation = Figures.ablation(runs, measure: .knn), Set(runs.compactMap { $0.method == .triplet ? $0.skip : nil }).count > 1 {
            result.append(("ablation-skip", ablation))
            if let falseNegatives = Figures.ablationFalseNegatives(runs) { result.append(("ablation-pr-omega", falseNegatives)) }
        }
        var stems = Set(result.map(\.0))
        for run in runs {
            guard let heat = Figures.centreHeatMap(run) else { continue }
            var stem = "centres-" + Self.fileSafe(run.run)
            while !stems.insert(stem).inserted { stem += "-2" }
            result.append((stem, heat))
        }
        return result
    }

    /// `name` as a file name: letters, digits, `.`, `-` and `_` kept, anything else (a `/`
    /// from a hand-edited run.json, spaces) turned into `_`, so a file never lands outside
    /// the export folder.
    public static func fileSafe(_ name: String) -> String {
        let safe = String(name.unicodeScalars.map { scalar -> Character in
            let ascii = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
            return ascii ? Character(scalar) : "_"
        })
        return safe.allSatisfy { $0 == "." } ? "_" : safe
    }

    /// What `export` wrote, and what it changed about the runs it was given (one line each).
    public struct Result: Sendable {
        public var written: [String]
        public var notes: [String]
    }

    /// Writes everything asked for into `folder`, runs grouped by `RunGrouping`.
    /// - Parameter progress: told the file about to be drawn, its number and the count.
    public func export(_ given: [RunMetrics], dataName: String, to folder: String,
                       progress: (String, Int, Int) -> Void = { _, _, _ in }) throws -> Result {
        let (runs, notes) = RunGrouping.prepare(given)
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw PlotError("\(folder): cannot create the folder (\(error.localizedDescription))")
        }
        AtomicFile.removeLeftovers(in: folder)
        var written: [String] = []
        func save(_ data: Data, _ name: String) throws {
            let path = (folder as NSString).appendingPathComponent(name)
            try AtomicFile.write(data, to: path)
            written.append(path)
        }
        if formats.contains(.csv) {
            try save(Data(Tables.tidyCSV(runs).utf8), "metrics.csv")
            try save(Data(Tables.summaryCSV(runs).utf8), "summary.csv")
        }
        if formats.contains(.md) { try save(Data(Tables.summaryMarkdown(runs).utf8), "summary.md") }
        if let evaluation = runs.lazy.compactMap(\.evaluation).first, formats.contains(.csv) || formats.contains(.md) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            if let json = try? encoder.encode(evaluation) { try save(json + Data("\n".utf8), "evaluation.json") }
        }
        let scale = Double(width) / 1600
        let all = figures(runs, dataName: dataName)
        for (index, (stem, figure)) in all.enumerated() {
            progress(stem, index + 1, all.count)
            let renderer = FigureRenderer(figure: figure, scale: scale)
            if formats.contains(.png) {
                let canvas = try RasterCanvas(width: width, height: height)
                renderer.draw(on: canvas)
                try save(try canvas.pngData(), stem + ".png")
            }
            if formats.contains(.svg) {
                let canvas = SVGCanvas(width: width, height: height)
                renderer.draw(on: canvas)
                try save(Data(canvas.document.utf8), stem + ".svg")
            }
        }
        return Result(written: written, notes: notes)
    }
}
