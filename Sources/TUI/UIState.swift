import Analysis
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
public enum Key: Sendable, Equatable {
    case character(Character)
    case up, down, left, right, tab, backTab, enter, resize
}

/// What a key does: a change of view, or a command for the trainer.
public enum KeyAction: Sendable, Equatable {
    case view(UIState)
    case command(SessionCommand)
    case quit
    case none
}

/// Maps keys to actions; pure, so the key table is tested without a terminal.
public enum KeyMap {
    /// The key table shown by `?` and in the README.
    public static let help: [(keys: String, action: String)] = [
        ("Tab / Shift-Tab", "next / previous panel"),
        ("↑ ↓  j k", "select a run"),
        ("Space", "pause or resume the selected run"),
        ("x", "stop the selected run (resumable later)"),
        ("+ -  > <", "skip of the next triplet run ±1, ±10"),
        ("] [", "deputies of the next triplet run ±1"),
        ("Enter", "queue a triplet run with that skip and deputies"),
        ("s", "queue the truncation sweep (skip 0 … 100)"),
        ("m", "curves: kNN or linear-probe accuracy"),
        ("r", "the selected run again, next seed (mean + band)"),
        ("f", "fork the selected triplet run: next skip/deputies"),
        ("e", "export CSV, PNG, SVG and Markdown"),
        ("?", "this help"),
        ("q", "quit (finished epochs saved; --resume continues)"),
    ]

    public static func action(for key: Key, state: UIState, snapshot: SessionSnapshot) -> KeyAction {
        var next = state
        let runs = snapshot.runs
        let selected = runs.indices.contains(state.selectedRun) ? runs[state.selectedRun].name : nil
        if state.showHelp {
            // Any key closes the help; q still quits.
            if key == .character("q") { return .quit }
            next.showHelp = false
            return .view(next)
        }
        switch key {
        case .tab: next.focus = Panel(rawValue: (state.focus.rawValue + 1) % Panel.allCases.count) ?? .curves
        case .backTab: next.focus = Panel(rawValue: (state.focus.rawValue + Panel.allCases.count - 1) % Panel.allCases.count) ?? .curves
        case .up, .character("k"): next.selectedRun = max(0, state.selectedRun - 1)
        case .down, .character("j"): next.selectedRun = min(max(0, runs.count - 1), state.selectedRun + 1)
        case .character("m"): next.measure = state.measure == .knn ? .linear : .knn
        case .character("?"): next.showHelp = true
        case .character(" "): return selected.map { .command(.togglePause(run: $0)) } ?? .none
        case .character("x"): return selected.map { .command(.stop(run: $0)) } ?? .none
        case .character("+"), .character("="): return .command(.adjustSkip(by: 1))
        case .character("-"): return .command(.adjustSkip(by: -1))
        case .character(">"): return .command(.adjustSkip(by: 10))
        case .character("<"): return .command(.adjustSkip(by: -10))
        case .character("]"): return .command(.adjustDeputies(by: 1))
        case .character("["): return .command(.adjustDeputies(by: -1))
        case .enter: return .command(.queueTriplet)
        case .character("s"): return .command(.queueSweep)
        case .character("e"): return .command(.export)
        case .character("r"): return selected.map { .command(.addSeed(run: $0)) } ?? .none
        case .character("f"): return selected.map { .command(.fork(run: $0)) } ?? .none
        case .character("q"): return .quit
        default: return .none
        }
        return next == state ? .none : .view(next)
    }
}
