import Foundation
import Trainer

/// The bottom line: data, backbone, output folder, CPU use, key hints, latest message.
enum StatusLine {
    static func draw(_ snapshot: SessionSnapshot, cpuPercent: Double?, in rect: Rect, grid: inout CellGrid) {
        grid.fill(rect, with: Cell(" ", reverse: true))
        // The message first: it is what just happened; the output folder last, as it can be long.
        let shape = snapshot.imageShape.side > 0 ? " " + snapshot.imageShape.description : ""
        var text = " \(snapshot.dataName)\(shape) · \(snapshot.backbone.rawValue) · CPU \(Formatting.number(cpuPercent, "%.0f"))%"
        if !snapshot.message.isEmpty { text += " · " + snapshot.message }
        text += " · out \(snapshot.outDirectory)"
        let hints = "? help  q quit "
        grid.put(text, x: rect.x, y: rect.y, reverse: true, limit: rect.width - hints.count - 1)
        grid.put(hints, x: rect.x + rect.width - hints.count, y: rect.y, bold: true, reverse: true)
    }
}

/// The `?` overlay: every key and what it does.
enum HelpOverlay {
    static func draw(in area: Rect, grid: inout CellGrid) {
        let width = min(area.width - 4, 76), height = KeyMap.help.count + 4
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        grid.fill(box)
        grid.frame(box, title: "Keys (any key closes)", focused: true)
        for (i, entry) in KeyMap.help.enumerated() {
            grid.put(Formatting.padded(entry.keys, 18), x: box.x + 2, y: box.y + 2 + i, ink: .accent, bold: true)
            grid.put(entry.action, x: box.x + 21, y: box.y + 2 + i, limit: width - 23)
        }
    }
}

/// Draws the whole screen for a snapshot and a view state.
public enum Screen {
    public static func render(_ snapshot: SessionSnapshot, state: UIState, width: Int, height: Int,
                              cpuPercent: Double? = nil, asciiOnly: Bool = false) -> CellGrid {
        var grid = CellGrid(width: width, height: height)
        grid.asciiOnly = asciiOnly
        guard let layout = Layout(width: width, height: height) else {
            let message = "Enlarge the terminal to at least \(Layout.minimumWidth)×\(Layout.minimumHeight) (now \(width)×\(height))"
            let lines = message.count > width && width > 0
                ? stride(from: 0, to: message.count, by: width).map { String(Array(message)[$0..<min($0 + width, message.count)]) }
                : [message]
            for (i, line) in lines.enumerated() {
                grid.put(line, x: max(0, (width - line.count) / 2), y: max(0, height / 2 - lines.count / 2) + i, ink: .warning, bold: true)
            }
            return grid
        }
        CurvesPanel.draw(snapshot, state, in: layout.curves, grid: &grid)
        DiagnosticsPanel.draw(snapshot, state, in: layout.diagnostics, grid: &grid)
        RunsPanel.draw(snapshot, state, in: layout.runs, grid: &grid)
        AblationPanel.draw(snapshot, state, in: layout.ablation, grid: &grid)
        StatusLine.draw(snapshot, cpuPercent: cpuPercent, in: layout.status, grid: &grid)
        if state.showHelp { HelpOverlay.draw(in: Rect(x: 0, y: 0, width: width, height: height - 1), grid: &grid) }
        return grid
    }
}
