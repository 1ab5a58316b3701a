import Foundation
import Trainer

/// The interactive workbench: the UI thread polls keys, draws the latest snapshot at most
/// ten times a second (only when something changed), and sends commands to the session.
public final class WorkbenchApp {
    let session: any WorkbenchSource
    let terminal: Terminal
    private var state = UIState()
    private var drawingSeconds = 0.0
    private var cpu = CPUMeter()
    private let exportJob = ExportJob()
    private var statusLine = LatestMessage()

    /// - Parameter terminal: opened before the session's runs are made, so that a terminal
    ///   that cannot be used leaves no run folder marked running.
    public init(session: any WorkbenchSource, terminal: Terminal) {
        self.session = session
        self.terminal = terminal
    }

    /// What the session cost: seconds spent drawing against seconds the session ran.
    public struct Report: Sendable {
        public let drawingSeconds: Double
        public let sessionSeconds: Double
        public let outDirectory: String
        /// The stop signal that ended the session, if one did (not `q`).
        public let signal: Int32?
    }

    /// Runs until the user quits; the terminal is restored before returning.
    public func run() -> Report {
        let started = Date()
        session.start()
        var lastRevision = -1, lastDraw = Date.distantPast
        var lastSize = (width: 0, height: 0)
        var dirty = true, cpuPercent: Double?
        loop: while true {
            if StopSignal.pending != nil { break }
            let snapshot = session.snapshot
            if let key = terminal.readKey() {
                switch KeyMap.action(for: key, state: state, snapshot: snapshot) {
                case let .view(next):
                    state = next
                    dirty = true
                case let .command(command):
                    session.send(command)
                case .export:
                    exportJob.start(snapshot)
                case .quit:
                    break loop
                case .none:
                    if key == .resize { dirty = true }
                }
            }
            let export = exportJob.status
            if statusLine.update(session: snapshot.message, export: export.message, exportRevision: export.revision) { dirty = true }
            let size = terminal.size
            if size != lastSize { dirty = true; lastSize = size }
            if Date().timeIntervalSince(lastDraw) >= 1 {
                cpuPercent = cpu.sample()
                dirty = true
            }
            if (dirty || snapshot.revision != lastRevision) && Date().timeIntervalSince(lastDraw) >= 0.1 {
                let drawStarted = Date()
                state.selectedRun = min(state.selectedRun, max(0, snapshot.runs.count - 1))
                var shown = snapshot
                shown.message = statusLine.text
                let grid = Screen.render(shown, state: state, width: size.width, height: size.height,
                                         cpuPercent: cpuPercent, asciiOnly: !terminal.unicode)
                terminal.draw(grid)
                drawingSeconds += Date().timeIntervalSince(drawStarted)
                lastDraw = Date()
                lastRevision = snapshot.revision
                dirty = false
            }
        }
        // Quit: finished epochs are on disk; the current epochs are abandoned, resumable.
        session.send(.quit)
        var final = session.snapshot
        final.message = session.closingMessage
        terminal.draw(Screen.render(final, state: state, width: terminal.size.width, height: terminal.size.height,
                                    asciiOnly: !terminal.unicode))
        session.waitUntilFinished()
        terminal.restore()
        return Report(drawingSeconds: drawingSeconds, sessionSeconds: Date().timeIntervalSince(started),
                      outDirectory: session.snapshot.outDirectory, signal: StopSignal.pending)
    }
}

/// What the status line says: the session's message or the export's, whichever changed last.
struct LatestMessage {
    private var session = ""
    private var exportRevision = 0
    private(set) var text = ""

    /// Takes the newest of the two; true when the line changed.
    mutating func update(session message: String, export: String?, exportRevision revision: Int) -> Bool {
        let before = text
        if message != session {
            session = message
            text = message
        }
        if revision != exportRevision {
            exportRevision = revision
            text = export ?? text
        }
        return text != before
    }
}

/// Process CPU use (all threads) between samples, in percent of one core.
struct CPUMeter {
    private var lastCPU = CPUMeter.processSeconds()
    private var lastWall = Date()

    static func processSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    mutating func sample() -> Double? {
        let cpu = Self.processSeconds(), wall = Date()
        defer { lastCPU = cpu; lastWall = wall }
        let elapsed = wall.timeIntervalSince(lastWall)
        return elapsed > 0 ? 100 * (cpu - lastCPU) / elapsed : nil
    }
}
