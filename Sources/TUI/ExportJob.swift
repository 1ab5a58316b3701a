import Foundation
import Evaluation
import Reporting
import Synchronization
import Trainer

/// The `e` key: exports the runs on screen (CSV, PNG, SVG, Markdown) into OUT/export from
/// their folders, on a thread of its own, so that neither the trainer nor the screen waits
/// while the figures are drawn. The same for a trainer in this process and a watched folder.
final class ExportJob: Sendable {
    private struct State {
        var running = false
        /// What the status line says about the latest export, and a count that changes with it.
        var message: String?
        var revision = 0
    }

    private let state = Mutex(State())

    /// The latest export's message and its revision (0: none yet).
    var status: (message: String?, revision: Int) { state.withLock { ($0.message, $0.revision) } }

    /// Starts exporting the runs of `snapshot` (those whose folder holds a run.json); says so
    /// instead when an export is already running.
    func start(_ snapshot: SessionSnapshot) {
        let started = state.withLock { s -> Bool in
            s.revision += 1
            if s.running {
                s.message = "an export is running; press e again once it says where it wrote"
                return false
            }
            s.running = true
            s.message = "exporting…"
            return true
        }
        guard started else { return }
        let folders = snapshot.runs.map { RunFolder(path: snapshot.outDirectory + "/" + $0.name) }.filter(\.exists)
        let out = snapshot.outDirectory + "/export", dataName = snapshot.dataName
        let thread = Thread { [self] in
            let message = Self.export(folders, dataName: dataName, to: out)
            state.withLock { s in
                s.running = false
                s.message = message
                s.revision += 1
            }
        }
        thread.name = "workbench-export"
        thread.start()
    }

    /// Exports `folders` into `out`; returns the status line.
    static func export(_ folders: [RunFolder], dataName: String, to out: String) -> String {
        guard !folders.isEmpty else { return "export: no run has a folder yet" }
        do {
            let metrics = try folders.map { folder throws(RunError) in try folder.readRunMetrics() }
            let result = try Exporter().export(metrics, dataName: dataName, to: out)
            let notes = metrics.flatMap(\.unreadable) + result.notes
            return "exported \(result.written.count) files to \(out)" + (notes.first.map { " (\($0))" } ?? "")
        } catch {
            return "export failed: \(error)"
        }
    }
}
