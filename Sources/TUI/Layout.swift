/// Where each panel goes for a terminal size.
public struct Layout: Sendable, Equatable {
    /// The smallest terminal the workbench draws in.
    public static let minimumWidth = 100
    public static let minimumHeight = 30

    public let curves: Rect
    public let diagnostics: Rect
    public let runs: Rect
    public let ablation: Rect
    public let status: Rect

    /// nil when the terminal is below the minimum size.
    public init?(width: Int, height: Int) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else { return nil }
        // Top: curves (3/5) beside diagnostics; bottom: the wide runs table (2/3) beside the ablation.
        let left = width * 3 / 5, top = (height - 1) * 3 / 5, bottomLeft = width * 2 / 3
        curves = Rect(x: 0, y: 0, width: left, height: top)
        diagnostics = Rect(x: left, y: 0, width: width - left, height: top)
        runs = Rect(x: 0, y: top, width: bottomLeft, height: height - 1 - top)
        ablation = Rect(x: bottomLeft, y: top, width: width - bottomLeft, height: height - 1 - top)
        status = Rect(x: 0, y: height - 1, width: width, height: 1)
    }

    public func rect(of panel: Panel) -> Rect {
        switch panel {
        case .curves: curves
        case .diagnostics: diagnostics
        case .runs: runs
        case .ablation: ablation
        }
    }
}
