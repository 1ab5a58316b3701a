import Evaluation
import Trainer

/// The panels, in Tab order.
public enum Panel: Int, CaseIterable, Sendable {
    case curves, diagnostics, runs, ablation
}

/// What the user is looking at: kept by the UI thread, never by the trainer.
public struct UIState: Sendable, Equatable {
    public var focus: Panel = .curves
    public var selectedRun = 0
    public var measure: AccuracyMeasure = .knn
    public var showHelp = false


    public init() {}
}

/// A key press, decoded from ncurses' codes.
public enum Key: Sendable, Hashable {
    case character(Character)
    case up, down, left, right, tab, backTab, enter, resize
}

/// What a key does: a change of view, a command for the trainer, an export or quitting.
public enum KeyAction: Sendable, Equatable {
    case view(UIState)
    case command(SessionCommand)
    /// Export the runs on screen (the screen does it, on a thread of its own).
    case export
    case quit
    case none
}

/// What one key is bound to.
enum KeyEffect: Sendable, Equatable {
    case nextPanel, previousPanel, selectUp, selectDown, togglePause, stop
    case skip(by: Int), deputies(by: Int)
    case queueTriplet, queueSweep, switchMeasure, addSeed, fork, export, help, quit
}

/// One row of the key table: the keys as written, what the help overlay says (one short
/// line), what the README's table says, and each key's effect.
public struct KeyRow: Sendable {
    public let keys: String
    public let summary: String
    public let detail: String
    let bindings: [(key: Key, effect: KeyEffect)]
}

/// The one key table: the help overlay, the README's table and `action(for:)` are all read
/// from `rows`, so what a key does and what the screen and the README say it does agree.
public enum KeyMap {
    static var sweep: [Int] { MethodSettings.referenceSweepSkips }

    public static let rows: [KeyRow] = [
        KeyRow(keys: "Tab / Shift-Tab", summary: "next / previous panel", detail: "next / previous panel",
               bindings: [(.tab, .nextPanel), (.backTab, .previousPanel)]),
        KeyRow(keys: "↑ ↓  j k", summary: "select a run", detail: "select a run",
               bindings: [(.up, .selectUp), (.character("k"), .selectUp), (.down, .selectDown), (.character("j"), .selectDown)]),
        KeyRow(keys: "Space", summary: "pause or resume the selected run", detail: "pause or resume the selected run",
               bindings: [(.character(" "), .togglePause)]),
        KeyRow(keys: "x", summary: "stop the selected run (resumable later)", detail: "stop the selected run (resumable later)",
               bindings: [(.character("x"), .stop)]),
        KeyRow(keys: "+ -  > <", summary: "skip of the next triplet run ±1, ±10", detail: "skip of the next triplet run ±1, ±10",
               bindings: [(.character("+"), .skip(by: 1)), (.character("="), .skip(by: 1)), (.character("-"), .skip(by: -1)),
                          (.character(">"), .skip(by: 10)), (.character("<"), .skip(by: -10))]),
        KeyRow(keys: "] [", summary: "deputies of the next triplet run ±1", detail: "deputies of the next triplet run ±1",
               bindings: [(.character("]"), .deputies(by: 1)), (.character("["), .deputies(by: -1))]),
        KeyRow(keys: "Enter", summary: "queue a triplet run with that skip and deputies",
               detail: "queue a triplet run with that skip and deputies", bindings: [(.enter, .queueTriplet)]),
        KeyRow(keys: "s", summary: "queue the truncation sweep (skip \(sweep.first ?? 0) … \(sweep.last ?? 0))",
               detail: "queue the truncation sweep (skip \(sweep.map(String.init).joined(separator: ", ")))",
               bindings: [(.character("s"), .queueSweep)]),
        KeyRow(keys: "m", summary: "curves: kNN or linear-probe accuracy", detail: "curves and ablation: kNN or linear-probe accuracy",
               bindings: [(.character("m"), .switchMeasure)]),
        KeyRow(keys: "r", summary: "the selected run again, next seed (mean + band)",
               detail: "run the selected run again with the next seed: its curve becomes the mean with a light band (not for a fork: it would start from the same checkpoint; press `r` on its parent and fork that seed)",
               bindings: [(.character("r"), .addSeed)]),
        KeyRow(keys: "f", summary: "fork the selected triplet run: next skip/deputies",
               detail: "fork the selected triplet run from its latest checkpoint with the next skip and deputies (which must differ from the run's own)",
               bindings: [(.character("f"), .fork)]),
        KeyRow(keys: "e", summary: "export CSV, PNG, SVG and Markdown",
               detail: "export CSV, PNG, SVG and Markdown into OUT/export (in the background: training goes on) and say where",
               bindings: [(.character("e"), .export)]),
        KeyRow(keys: "?", summary: "this help", detail: "this table, on screen", bindings: [(.character("?"), .help)]),
        KeyRow(keys: "q", summary: "quit (finished epochs saved; --resume continues)",
               detail: "quit: finished epochs saved, `--resume DIR` continues (commands still queued are dropped)",
               bindings: [(.character("q"), .quit)]),
    ]

    /// The key table shown by `?`.
    public static var help: [(keys: String, action: String)] { rows.map { ($0.keys, $0.summary) } }

    /// The key table as the README writes it (Markdown).
    public static var markdownTable: String {
        "| key | what it does |\n|---|---|\n" + rows.map { "| `\($0.keys)` | \($0.detail) |\n" }.joined()
    }

    static func effect(of key: Key) -> KeyEffect? {
        for row in rows { if let binding = row.bindings.first(where: { $0.key == key }) { return binding.effect } }
        return nil
    }

    public static func action(for key: Key, state: UIState, snapshot: SessionSnapshot) -> KeyAction {
        var next = state
        let runs = snapshot.runs
        let selected = runs.indices.contains(state.selectedRun) ? runs[state.selectedRun].name : nil
        if state.showHelp {
            // Any key closes the help; q still quits.
            if effect(of: key) == .quit { return .quit }
            next.showHelp = false
            return .view(next)
        }
        guard let effect = effect(of: key) else { return .none }
        switch effect {
        case .nextPanel: next.focus = Panel(rawValue: (state.focus.rawValue + 1) % Panel.allCases.count) ?? .curves
        case .previousPanel: next.focus = Panel(rawValue: (state.focus.rawValue + Panel.allCases.count - 1) % Panel.allCases.count) ?? .curves
        case .selectUp: next.selectedRun = max(0, state.selectedRun - 1)
        case .selectDown: next.selectedRun = min(max(0, runs.count - 1), state.selectedRun + 1)
        case .switchMeasure: next.measure = state.measure == .knn ? .linear : .knn
        case .help: next.showHelp = true
        case .togglePause: return selected.map { .command(.togglePause(run: $0)) } ?? .none
        case .stop: return selected.map { .command(.stop(run: $0)) } ?? .none
        case let .skip(delta): return .command(.adjustSkip(by: delta))
        case let .deputies(delta): return .command(.adjustDeputies(by: delta))
        case .queueTriplet: return .command(.queueTriplet)
        case .queueSweep: return .command(.queueSweep)
        case .export: return .export
        case .addSeed: return selected.map { .command(.addSeed(run: $0)) } ?? .none
        case .fork: return selected.map { .command(.fork(run: $0)) } ?? .none
        case .quit: return .quit
        }
        return next == state ? .none : .view(next)
    }
}
