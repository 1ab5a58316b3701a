import Foundation

/// An SVG document with real text elements, so figures can go straight into a paper and
/// their text stays selectable and editable.
public final class SVGCanvas: Canvas {
    public let width: Double
    public let height: Double
    private var elements: [String] = []
    /// Text widths are estimated from DejaVu Sans's average advance when FreeType is absent.
    private let metrics: FontRenderer?

    public init(width: Int, height: Int) {
        self.width = Double(width)
        self.height = Double(height)
        metrics = try? FontRenderer(path: FontRenderer.regularPath)
    }

    static func number(_ v: Double) -> String { String(format: "%.2f", v) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    public func polyline(_ points: [(x: Double, y: Double)], colour: Colour, width lineWidth: Double, dash: Double?) {
        guard let first = points.first else { return }
        let path = "M" + Self.number(first.x) + " " + Self.number(first.y)
            + points.dropFirst().map { " L" + Self.number($0.x) + " " + Self.number($0.y) }.joined()
        let dashing = dash.map { " stroke-dasharray=\"\(Self.number($0)) \(Self.number($0))\"" } ?? ""
        elements.append("<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour.hexString)\" stroke-width=\"\(Self.number(lineWidth))\" stroke-linecap=\"round\" stroke-linejoin=\"round\"\(dashing)/>")
    }

    public func fillRectangle(x: Double, y: Double, width w: Double, height h: Double, colour: Colour) {
        elements.append("<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(w))\" height=\"\(Self.number(h))\" fill=\"\(colour.hexString)\"/>")
    }

    public func fillBand(upper: [(x: Double, y: Double)], lower: [(x: Double, y: Double)], colour: Colour, opacity: Double) {
        guard upper.count >= 2, upper.count == lower.count else { return }
        let outline = (upper + lower.reversed()).map { Self.number($0.x) + "," + Self.number($0.y) }.joined(separator: " ")
        elements.append("<polygon points=\"\(outline)\" fill=\"\(colour.hexString)\" fill-opacity=\"\(Self.number(opacity))\" stroke=\"none\"/>")
    }

    public func fillCircle(x: Double, y: Double, radius: Double, colour: Colour) {
        elements.append("<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" fill=\"\(colour.hexString)\"/>")
    }

    public func text(_ string: String, x: Double, y: Double, size: Double, colour: Colour, anchor: TextAnchor,
                     vertical: Bool, bold: Bool) {
        let anchorName = anchor == .start ? "start" : (anchor == .middle ? "middle" : "end")
        let rotation = vertical ? " transform=\"rotate(-90 \(Self.number(x)) \(Self.number(y)))\"" : ""
        let weight = bold ? " font-weight=\"bold\"" : ""
        elements.append("<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"\(Self.number(size))\" fill=\"\(colour.hexString)\" text-anchor=\"\(anchorName)\"\(weight)\(rotation)>\(Self.escape(string))</text>")
    }

    public func textWidth(_ string: String, size: Double) -> Double {
        metrics?.width(string, size: size) ?? Double(string.count) * size * 0.6
    }

    /// The finished document.
    public var document: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">
        <rect width="100%" height="100%" fill="#ffffff"/>
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }
}
