import CPNG
import Foundation

/// A white RGB image drawn with anti-aliased primitives and FreeType text, saved as PNG.
public final class RasterCanvas: Canvas {
    public let width: Double
    public let height: Double
    let pixelWidth: Int
    let pixelHeight: Int
    /// RGB in [0, 1], row-major.
    private(set) var pixels: [Float]
    private let regular: FontRenderer
    private let bold: FontRenderer

    /// A blank canvas; fails with a one-line error when the font is missing.
    public init(width: Int, height: Int) throws {
        pixelWidth = max(1, width)
        pixelHeight = max(1, height)
        self.width = Double(pixelWidth)
        self.height = Double(pixelHeight)
        pixels = [Float](repeating: 1, count: pixelWidth * pixelHeight * 3)
        regular = try FontRenderer(path: FontRenderer.regularPath)
        bold = (try? FontRenderer(path: FontRenderer.boldPath)) ?? regular
    }

    /// The colour at a pixel (for tests).
    public func colour(x: Int, y: Int) -> Colour {
        let i = (y * pixelWidth + x) * 3
        return Colour(Double(pixels[i]), Double(pixels[i + 1]), Double(pixels[i + 2]))
    }

    /// Blends `colour` into a pixel with opacity `alpha`.
    @inline(__always)
    private func blend(_ x: Int, _ y: Int, _ colour: Colour, _ alpha: Double) {
        guard x >= 0, y >= 0, x < pixelWidth, y < pixelHeight, alpha > 0 else { return }
        let a = Float(min(alpha, 1)), i = (y * pixelWidth + x) * 3
        pixels[i] += (Float(colour.red) - pixels[i]) * a
        pixels[i + 1] += (Float(colour.green) - pixels[i + 1]) * a
        pixels[i + 2] += (Float(colour.blue) - pixels[i + 2]) * a
    }

    public func polyline(_ points: [(x: Double, y: Double)], colour: Colour, width lineWidth: Double, dash: Double?) {
        guard points.count >= 2 else { return }
        // Coverage is the maximum over the segments, then blended once, so joints do not darken.
        let pad = lineWidth + 2
        let xs = points.map(\.x), ys = points.map(\.y)
        let x0 = max(0, Int(floor((xs.min() ?? 0) - pad))), x1 = min(pixelWidth - 1, Int(ceil((xs.max() ?? 0) + pad)))
        let y0 = max(0, Int(floor((ys.min() ?? 0) - pad))), y1 = min(pixelHeight - 1, Int(ceil((ys.max() ?? 0) + pad)))
        guard x1 >= x0, y1 >= y0 else { return }
        var coverage = CoverageMap(x0: x0, y0: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
        var travelled = 0.0
        for (a, b) in zip(points, points.dropFirst()) {
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            if let dash, dash > 0, length > 0 {
                // Split the segment into the "on" stretches of the dash pattern.
                var t = 0.0
                while t < length {
                    let phase = (travelled + t).truncatingRemainder(dividingBy: 2 * dash)
                    let stretch = min(length - t, (phase < dash ? dash : 2 * dash) - phase)
                    if phase < dash {
                        let s = t / length, e = (t + stretch) / length
                        coverage.addSegment((a.x + (b.x - a.x) * s, a.y + (b.y - a.y) * s),
                                            (a.x + (b.x - a.x) * e, a.y + (b.y - a.y) * e), width: lineWidth)
                    }
                    t += max(stretch, 1e-6)
                }
            } else {
                coverage.addSegment(a, b, width: lineWidth)
            }
            travelled += length
        }
        for y in 0..<coverage.height {
            for x in 0..<coverage.width {
                let c = coverage.values[y * coverage.width + x]
                if c > 0 { blend(coverage.x0 + x, coverage.y0 + y, colour, Double(c)) }
            }
        }
    }

    public func fillRectangle(x: Double, y: Double, width w: Double, height h: Double, colour: Colour) {
        let x0 = Int(floor(x)), x1 = Int(ceil(x + w)), y0 = Int(floor(y)), y1 = Int(ceil(y + h))
        guard x1 > x0, y1 > y0 else { return }
        for py in y0..<y1 {
            let cy = min(Double(py + 1), y + h) - max(Double(py), y)
            for px in x0..<x1 {
                let cx = min(Double(px + 1), x + w) - max(Double(px), x)
                blend(px, py, colour, max(0, cx) * max(0, cy))
            }
        }
    }

    /// Column by column: the band's top and bottom are interpolated at each pixel centre,
    /// and the partly covered end pixels get partial coverage.
    public func fillBand(upper: [(x: Double, y: Double)], lower: [(x: Double, y: Double)], colour: Colour, opacity: Double) {
        guard upper.count >= 2, upper.count == lower.count else { return }
        for segment in 0..<(upper.count - 1) {
            let (x0, x1) = (upper[segment].x, upper[segment + 1].x)
            guard x1 > x0 else { continue }
            let first = max(0, Int(x0.rounded(.down))), last = min(pixelWidth - 1, Int(x1.rounded(.up)) - 1)
            guard first <= last else { continue }
            for px in first...last {
                let centre = Double(px) + 0.5
                guard centre >= x0, centre < x1 || (segment == upper.count - 2 && centre <= x1) else { continue }
                let t = (centre - x0) / (x1 - x0)
                let top = upper[segment].y + t * (upper[segment + 1].y - upper[segment].y)
                let bottom = lower[segment].y + t * (lower[segment + 1].y - lower[segment].y)
                let (y0, y1) = (min(top, bottom), max(top, bottom))
                let rowFirst = max(0, Int(y0.rounded(.down))), rowLast = min(pixelHeight - 1, Int(y1.rounded(.up)) - 1)
                guard rowFirst <= rowLast else { continue }
                for py in rowFirst...rowLast {
                    let coverage = min(Double(py) + 1, y1) - max(Double(py), y0)
                    if coverage > 0 { blend(px, py, colour, opacity * min(coverage, 1)) }
                }
            }
        }
    }

    public func fillCircle(x cx: Double, y cy: Double, radius: Double, colour: Colour) {
        for py in Int(floor(cy - radius - 1))...Int(ceil(cy + radius + 1)) {
            for px in Int(floor(cx - radius - 1))...Int(ceil(cx + radius + 1)) {
                let d = ((Double(px) + 0.5 - cx) * (Double(px) + 0.5 - cx) + (Double(py) + 0.5 - cy) * (Double(py) + 0.5 - cy)).squareRoot()
                blend(px, py, colour, min(max(radius + 0.5 - d, 0), 1))
            }
        }
    }

    public func textWidth(_ string: String, size: Double) -> Double { regular.width(string, size: size) }

    public func text(_ string: String, x: Double, y: Double, size: Double, colour: Colour, anchor: TextAnchor,
                     vertical: Bool, bold isBold: Bool) {
        let font = isBold ? bold : regular
        let total = font.width(string, size: size)
        let shift = anchor == .start ? 0 : (anchor == .middle ? total / 2 : total)
        var pen = -shift
        for scalar in string.unicodeScalars {
            guard let g = font.glyph(scalar, size: size) else { continue }
            for r in 0..<g.rows {
                for c in 0..<g.width {
                    let value = g.coverage[r * g.width + c]
                    guard value > 0 else { continue }
                    // Glyph pixel (along, across) relative to the pen on the baseline.
                    let along = Int(pen.rounded()) + g.left + c, across = r - g.top
                    let (px, py) = vertical ? (Int(x.rounded()) + across, Int(y.rounded()) - along)
                                            : (Int(x.rounded()) + along, Int(y.rounded()) + across)
                    blend(px, py, colour, Double(value) / 255)
                }
            }
            pen += g.advance
        }
    }

    /// PNG bytes (8-bit RGB) encoded by libpng.
    public func pngData() throws -> Data {
        var bytes = pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
        var image = wb_png_image_new()
        image.width = UInt32(pixelWidth)
        image.height = UInt32(pixelHeight)
        image.format = wb_png_format_rgb()
        var size = 0
        let probe = bytes.withUnsafeMutableBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }
        guard probe != 0, size > 0 else { throw PlotError("libpng could not encode the image") }
        var out = [UInt8](repeating: 0, count: size)
        let ok = out.withUnsafeMutableBytes { memory in
            bytes.withUnsafeMutableBytes { png_image_write_to_memory(&image, memory.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        png_image_free(&image)
        guard ok != 0 else { throw PlotError("libpng could not encode the image") }
        return Data(out.prefix(size))
    }
}

/// A figure that cannot be drawn or written.
public struct PlotError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Per-pixel coverage of a polyline's thick segments (round caps), the maximum over segments.
struct CoverageMap {
    let x0: Int, y0: Int, width: Int, height: Int
    var values: [Float]

    init(x0: Int, y0: Int, width: Int, height: Int) {
        self.x0 = x0
        self.y0 = y0
        self.width = width
        self.height = height
        values = [Float](repeating: 0, count: width * height)
    }

    mutating func addSegment(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double), width lineWidth: Double) {
        let half = lineWidth / 2
        let minX = max(x0, Int(floor(min(a.x, b.x) - half - 1))), maxX = min(x0 + width - 1, Int(ceil(max(a.x, b.x) + half + 1)))
        let minY = max(y0, Int(floor(min(a.y, b.y) - half - 1))), maxY = min(y0 + height - 1, Int(ceil(max(a.y, b.y) + half + 1)))
        guard maxX >= minX, maxY >= minY else { return }
        let dx = b.x - a.x, dy = b.y - a.y
        let length2 = max(dx * dx + dy * dy, 1e-12)
        for y in minY...maxY {
            for x in minX...maxX {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                let t = min(max(((px - a.x) * dx + (py - a.y) * dy) / length2, 0), 1)
                let ex = px - (a.x + t * dx), ey = py - (a.y + t * dy)
                let c = Float(min(max(half + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1))
                let i = (y - y0) * width + (x - x0)
                if c > values[i] { values[i] = c }
            }
        }
    }
}
