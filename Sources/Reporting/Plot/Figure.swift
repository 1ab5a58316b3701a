import Vocabulary

/// An RGB colour with components in [0, 1].
public struct Colour: Sendable, Equatable {
    public var red: Double, green: Double, blue: Double

    public init(_ red: Double, _ green: Double, _ blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// From 0xRRGGBB.
    public init(hex: UInt32) {
        self.init(Double((hex >> 16) & 0xFF) / 255, Double((hex >> 8) & 0xFF) / 255, Double(hex & 0xFF) / 255)
    }

    public var hexString: String {
        func byte(_ v: Double) -> Int { Int((min(max(v, 0), 1) * 255).rounded()) }
        return "#" + [red, green, blue].map { String(format: "%02x", byte($0)) }.joined()
    }

    public static let black = Colour(0, 0, 0)
    public static let white = Colour(1, 1, 1)
    public static let grey = Colour(0.55, 0.55, 0.55)
    public static let lightGrey = Colour(0.9, 0.9, 0.9)

    /// Okabe and Ito's colour-blind-safe palette (without yellow, which is too pale on white).
    public static let palette: [Colour] = [0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0x000000]
        .map { Colour(hex: $0) }

    /// The fixed colour of a method, so a method looks the same in every figure.
    public static func forMethod(_ method: MethodKind) -> Colour {
        method.paletteSlot.map { palette[$0] } ?? .black
    }

    /// A sequential ramp for an ordered setting, 0 dark purple … 1 yellow-green (viridis's
    /// stops, short of its yellow end, which is too pale on white).
    public static func ramp(_ position: Double) -> Colour {
        let stops = [0x440154, 0x3B528B, 0x21918C, 0x5EC962, 0x9FDA3A].map { Colour(hex: $0) }
        let x = min(max(position.isFinite ? position : 0, 0), 1) * Double(stops.count - 1)
        let index = min(Int(x), stops.count - 2)
        let (a, b, f) = (stops[index], stops[index + 1], x - Double(index))
        return Colour(a.red + (b.red - a.red) * f, a.green + (b.green - a.green) * f, a.blue + (b.blue - a.blue) * f)
    }

    /// Blends towards white by `amount` in [0, 1].
    public func lightened(_ amount: Double) -> Colour {
        Colour(red + (1 - red) * amount, green + (1 - green) * amount, blue + (1 - blue) * amount)
    }
}

/// One curve of a line chart.
public struct Series: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    public var colour: Colour
    public var dashed: Bool
    /// Half-length of an error bar at each point (empty: none).
    public var errors: [Double]
    /// The spread over seeds at each point, drawn as a shaded band (empty: none).
    public var band: [(low: Double, high: Double)]
    /// A level to compare against (a baseline), not data: drawn without markers.
    public var isReference: Bool

    public init(name: String, points: [(x: Double, y: Double)], colour: Colour, dashed: Bool = false, errors: [Double] = [],
                band: [(low: Double, high: Double)] = [], isReference: Bool = false) {
        self.name = name
        self.points = points
        self.colour = colour
        self.dashed = dashed
        self.errors = errors
        self.band = band
        self.isReference = isReference
    }
}

/// A figure ready to be drawn by any renderer: a line chart or a heat map.
public struct Figure: Sendable {
    public enum Content: Sendable {
        case lines([Series])
        /// Row-major values with a label per row and column.
        case heatMap(values: [Double], labels: [String])
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var content: Content
    /// A line under the title saying how the numbers were made (nil: none).
    public var caption: String?
    /// Fixed y range (nil: fitted to the data).
    public var yRange: ClosedRange<Double>?
    /// Draw markers at the data points (for sparse series such as an ablation).
    public var markers: Bool
    /// A range of x shaded over the plot's whole height, under the lines (a prediction's
    /// range; its caption says what it is). Nil: none.
    public var shadedX: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, content: Content,
                yRange: ClosedRange<Double>? = nil, markers: Bool = false, caption: String? = nil) {
        self.caption = caption
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.content = content
        self.yRange = yRange
        self.markers = markers
    }
}
