import Evaluation
import Foundation
import Trainer

/// One line per finished epoch on stderr, for the headless commands.
enum EpochReport {
    /// Prints the scheduler's events through `progress`.
    static func handler(_ progress: ProgressLine) -> (RunEvent) -> Void {
        { event in
            switch event {
            case let .alreadyComplete(run):
                progress.finish("\(run.config.name): already complete (\(run.config.epochs) epochs)")
            case let .step(run, epoch, step, steps):
                progress.update("\(run.config.name) epoch \(epoch)/\(run.config.epochs)", step: step, of: steps)
            case let .epochFinished(run, row):
                progress.finish(describe(run: run, row: row))
            case let .waiting(run, holder):
                progress.finish("\(run): held by another process\(holder.map { " (pid \($0))" } ?? ""); waiting for it")
            case let .failed(_, message):
                progress.error(message)
            case let .stopped(signal, runs):
                let names = runs.map(\.config.name).joined(separator: ", ")
                progress.error("stopped by \(StopSignal.name(signal)); finished epochs are kept"
                               + (runs.isEmpty ? "" : " and \(names) can be continued with --resume"))
            }
        }
    }

    static func describe(run: TrainingRun, row: EpochMetrics) -> String {
        func value(_ v: Double?, _ format: String) -> String { v.map { String(format: format, $0) } ?? "—" }
        let name = run.config.name.padding(toLength: max(20, run.config.name.count), withPad: " ", startingAt: 0)
        let epoch = String(format: "%3d/%-3d", row.epoch, run.config.epochs)
        return "\(name) epoch \(epoch) loss \(value(row.loss, "%9.4f"))  knn \(value(row.knnTop1, "%6.2f"))%  "
            + "div \(value(row.classDivergence, "%.3f"))  Pr(ω|A) \(value(row.prOmegaMeasured, "%.3f"))"
            + " (analytic \(value(row.prOmegaAnalytic, "%.3f")))  \(value(row.imagesPerSecond, "%5.0f")) img/s  \(value(row.wallSeconds, "%.1f")) s"
    }
}

/// Writes to stderr, ignoring failures: after SIGHUP the terminal is gone, and Foundation's
/// FileHandle.write traps on a failed write.
enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Foundation.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
        }
    }
}

/// Progress on stderr: a redrawn bar when stderr is a terminal, else one line per epoch.
final class ProgressLine {
    let enabled: Bool
    let isTerminal = isatty(2) != 0
    private var lastDraw = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ label: String, step: Int, of steps: Int) {
        guard enabled, isTerminal, Date().timeIntervalSince(lastDraw) > 0.1 || step == steps else { return }
        lastDraw = Date()
        let width = 30, filled = steps > 0 ? width * step / steps : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        write("\r\(label) [\(bar)] \(step)/\(steps)\u{1B}[K")
    }

    func finish(_ line: String) {
        guard enabled else { return }
        write((isTerminal ? "\r\u{1B}[K" : "") + line + "\n")
    }

    /// Removes the bar, leaving the line empty for what comes next.
    func clear() {
        if enabled && isTerminal { write("\r\u{1B}[K") }
    }

    /// A failure: printed even when progress is off.
    func error(_ message: String) {
        write((isTerminal && enabled ? "\r\u{1B}[K" : "") + "workbench: error: " + message + "\n")
    }

    private func write(_ text: String) { StandardError.write(text) }
}
