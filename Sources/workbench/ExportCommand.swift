import Evaluation
import ArgumentParser
import Foundation
import Trainer
import Reporting

/// `workbench export`: figures and tables of finished (or running) runs.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the figures (PNG, SVG) and tables (CSV, Markdown) of runs.",
        discussion: "Each RUN_DIR is a run folder (it holds run.json) or a folder of run folders, such as the --out of compare.")

    @Argument(help: "Run folders, or folders holding run folders.") var runDirectories: [String]
    @Option(help: "Output folder.") var out = "export"
    @Option(help: "Comma-separated formats: png, svg, csv, md.") var format = "png,svg,csv,md"
    @Option(help: "Figure width in pixels (text and lines scale with it).") var width = 1600
    @Option(help: "Figure height in pixels.") var height = 1000

    func validate() throws {
        guard (200...10_000).contains(width), (150...10_000).contains(height) else {
            throw ValidationError("--width must be in 200…10000 and --height in 150…10000")
        }
    }

    func run() throws {
        let formats = try Launch.parseList(format, flag: "--format") { Exporter.Format(rawValue: $0) }
        if let problem = RunFolder.outputProblem(out) { throw ValidationError("--out: \(problem)") }
        let folders = try Self.runFolders(runDirectories)
        // The export's own metrics.csv would replace the run's (and its reference rows break --resume).
        if RunFolder(path: out).exists {
            throw CommandFailure("--out \(out): is a run folder; export writes metrics.csv and would replace the run's own; choose another --out")
        }
        var runs: [RunMetrics] = [], dataNames = Set<String>()
        for folder in folders {
            runs.append(try failing { try folder.readRunMetrics() })
            dataNames.insert(try failing { try folder.readRecord().dataSet })
        }
        let exporter = Exporter(formats: Set(formats), width: width, height: height)
        let progress = ProgressLine(enabled: true)
        let result: Exporter.Result
        do {
            result = try exporter.export(runs, dataName: dataNames.sorted().joined(separator: ", "), to: out) { stem, index, count in
                progress.update("export: \(stem)", step: index, of: count)
            }
        } catch { throw CommandFailure("\(error)") }
        progress.clear()
        for note in runs.flatMap(\.unreadable) + result.notes { Workbench.warn(note) }
        let counted = runs.count - result.notes.filter { $0.hasSuffix("counted once") }.count
        print("exported \(counted) runs: \(result.written.count) files in \(out)")
        for path in result.written { print("  " + path) }
    }

    /// The run folders named by `paths`, directly or one level down, in a stable order.
    static func runFolders(_ paths: [String]) throws -> [RunFolder] {
        var result: [RunFolder] = []
        for path in paths {
            let direct = RunFolder(path: path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path)
            if direct.exists { result.append(direct); continue }
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                throw CommandFailure("\(path): no such folder")
            }
            let found = entries.sorted().map { RunFolder(path: (path as NSString).appendingPathComponent($0)) }.filter(\.exists)
            guard !found.isEmpty else { throw CommandFailure("\(path): holds no run (no run.json in it or its sub-folders)") }
            result += found
        }
        // Method order of the paper's figures; then by name.
        return result.sorted { a, b in
            let ka = (try? a.readRecord()).map { ($0.config.method.order, $0.config.settings.skip, $0.name) }
            let kb = (try? b.readRecord()).map { ($0.config.method.order, $0.config.settings.skip, $0.name) }
            guard let ka, let kb else { return a.path < b.path }
            return ka < kb
        }
    }
}

extension Exporter.Format: ExpressibleByArgument {}
