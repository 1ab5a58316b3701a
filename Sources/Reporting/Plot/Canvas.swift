/// Where text is anchored relative to its position.
public enum TextAnchor: Sendable { case start, middle, end }

/// The drawing operations a figure needs; implemented by the PNG raster and by SVG.
/// Coordinates are pixels from the top-left corner.
public protocol Canvas {
    var width: Double { get }
    var height: Double { get }
    /// A polyline; `dash` is the on/off length of a dashed line (nil: solid).
    func polyline(_ points: [(x: Double, y: Double)], colour: Colour, width: Double, dash: Double?)
    func fillRectangle(x: Double, y: Double, width: Double, height: Double, colour: Colour)
    func fillCircle(x: Double, y: Double, radius: Double, colour: Colour)
    /// The region between two curves over the same increasing x values (a seed band),
    /// blended over what is there with `opacity`.
    func fillBand(upper: [(x: Double, y: Double)], lower: [(x: Double, y: Double)], colour: Colour, opacity: Double)
    /// Text whose baseline starts, centres or ends at (x, y); `vertical` turns it 90° anticlockwise.
    func text(_ string: String, x: Double, y: Double, size: Double, colour: Colour, anchor: TextAnchor, vertical: Bool, bold: Bool)
    /// The advance width of `string` at `size`.
    func textWidth(_ string: String, size: Double) -> Double
}
