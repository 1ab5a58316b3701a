/// The training methods the workbench compares, in the order of the paper's figures
/// (`allCases`): every list, legend and table that shows several methods follows it.
public enum MethodKind: String, CaseIterable, Sendable, Codable, Comparable {
    case simclr, moco, byol, triplet, supervised

    /// Whether the method learns without labels.
    public var isSelfSupervised: Bool { self != .supervised }

    /// The slot of the method's colour in the figures' palette and the screen's inks; nil
    /// for the supervised goal line, drawn black (on screen in its own ink).
    public var paletteSlot: Int? {
        switch self {
        case .simclr: 0
        case .moco: 1
        case .byol: 2
        case .triplet: 3
        case .supervised: nil
        }
    }

    /// Where the method stands in the paper's order.
    public var order: Int { Self.allCases.firstIndex(of: self) ?? Self.allCases.count }

    public static func < (a: MethodKind, b: MethodKind) -> Bool { a.order < b.order }
}
