import Foundation
import TensorCore

/// The `colour-N` data sets: procedurally drawn 32×32 colour images in N classes (2 to
/// 1,000), 500 training and 100 test images per class, so that colour pipelines, CI and
/// many-class experiments need no files.
///
/// A class is a pair of a shape and a palette: with S = ⌈√N⌉ shapes (each a prototype of two
/// or three strokes, discs and rings with two visual modes) and ⌈N/S⌉ palettes (a foreground
/// and a background hue), class c draws shape c mod S in palette c div S. Neither the shape
/// nor the colour alone tells a class from all others: a representation must learn both.
/// Every sample redraws its shape with its own shift, scale, rotation and stroke width, its
/// colours with their own hue, saturation and brightness, adds a distractor in a random
/// colour and per-channel noise. Image i depends only on N, the split and i.
public enum SyntheticColours {
    public static let side = 32
    public static let trainPerClass = 500
    public static let testPerClass = 100
    public static let classRange = 2...1000
    public static let modesPerShape = 2
    static let seed: UInt64 = 2026

    /// The name of the set with `classes` classes.
    public static func name(classes: Int) -> String { "colour-\(classes)" }

    public static func dataset(classes: Int, trainPerClass: Int = trainPerClass, testPerClass: Int = testPerClass) -> Dataset {
        let shapes = Int(Double(classes).squareRoot().rounded(.up))
        var rng = RandomGenerator(seed: seed)
        let prototypes = (0..<(shapes * modesPerShape)).map { _ in
            (0..<(2 + rng.below(2))).map { _ in SyntheticShapes.randomPart(&rng, spread: 0.6) }
        }
        let distractors = (0..<8).map { _ in SyntheticShapes.randomPart(&rng, spread: 0.8) }
        let palettes = (classes + shapes - 1) / shapes
        let layout = Layout(classes: classes, shapes: shapes, palettes: palettes, prototypes: prototypes, distractors: distractors)
        let train = render(count: classes * trainPerClass, stream: 1, layout: layout)
        let test = render(count: classes * testPerClass, stream: 2, layout: layout)
        let names = (0..<classes).map { "shape\($0 % shapes)-hue\($0 / shapes)" }
        return Dataset(name: name(classes: classes), train: train, test: test, classNames: names,
                       normalisation: Dataset.channelStatistics(of: train))
    }

    struct Layout: Sendable {
        let classes: Int, shapes: Int, palettes: Int
        let prototypes: [[SyntheticShapes.Part]]
        let distractors: [SyntheticShapes.Part]

        /// Foreground and background hue of palette `k`, spread round the circle by the golden ratio.
        func hues(_ k: Int) -> (Float, Float) {
            let h = Float(k) * 0.618034
            let foreground = h - h.rounded(.down)
            let b = foreground + 0.5 + 0.37 * Float(k % 3)
            return (foreground, b - b.rounded(.down))
        }
    }

    static func render(count: Int, stream: UInt64, layout: Layout) -> ImageSet {
        let values = side * side * 3
        var bytes = [UInt8](repeating: 0, count: count * values)
        var labels = [Int](repeating: 0, count: count)
        bytes.withUnsafeMutableBufferPointer { byteBuffer in
            labels.withUnsafeMutableBufferPointer { labelBuffer in
                let byteBase = UnsafeSendablePointer(byteBuffer.baseAddress)
                let labelBase = UnsafeSendablePointer(labelBuffer.baseAddress)
                SyntheticShapes.forEachInParallel(count) { i in
                    guard let b = byteBase.pointer, let l = labelBase.pointer else { return }
                    var rng = RandomGenerator(seed: seed &+ UInt64(layout.classes) &* 104_729 &+ stream &* 1_000_003 &+ UInt64(i) &* 7919)
                    let label = i % layout.classes
                    l[i] = label
                    drawSample(label: label, layout: layout, rng: &rng, into: b + i * values)
                }
            }
        }
        return ImageSet(bytes: bytes, labels: labels, side: side, channels: 3)
    }

    @inline(__always) static func byte(_ v: Float) -> UInt8 { UInt8(min(max(v, 0), 1) * 255 + 0.5) }

    /// RGB of a hue, saturation and value, each in [0, 1].
    static func rgb(_ h: Float, _ s: Float, _ v: Float) -> (Float, Float, Float) {
        let hue = (h - h.rounded(.down)) * 6, i = min(Int(hue), 5), f = hue - Float(i)
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        switch i {
        case 0: return (v, t, p)
        case 1: return (q, v, p)
        case 2: return (p, v, t)
        case 3: return (p, q, v)
        case 4: return (t, p, v)
        default: return (v, p, q)
        }
    }

    static func drawSample(label: Int, layout: Layout, rng: inout RandomGenerator, into image: UnsafeMutablePointer<UInt8>) {
        let shape = label % layout.shapes, palette = label / layout.shapes
        let prototype = layout.prototypes[shape * modesPerShape + rng.below(modesPerShape)]
        let angle = rng.uniform(-0.3, 0.3), scale = rng.uniform(0.8, 1.2)
        let shiftX = rng.uniform(-0.2, 0.2), shiftY = rng.uniform(-0.2, 0.2)
        let widthFactor = rng.uniform(0.75, 1.3)
        let cosA = Foundation.cos(angle) * scale, sinA = Foundation.sin(angle) * scale
        func place(_ x: Float, _ y: Float) -> (Float, Float) { (cosA * x - sinA * y + shiftX, sinA * x + cosA * y + shiftY) }
        let (foregroundHue, backgroundHue) = layout.hues(palette)
        let ink = rgb(foregroundHue + rng.uniform(-0.04, 0.04), rng.uniform(0.55, 1), rng.uniform(0.65, 1))
        let paper = rgb(backgroundHue + rng.uniform(-0.04, 0.04), rng.uniform(0.3, 0.7), rng.uniform(0.15, 0.45))
        var parts: [(SyntheticShapes.Part, (Float, Float, Float))] = prototype.map { part in
            var moved = part
            let jx = rng.uniform(-0.08, 0.08), jy = rng.uniform(-0.08, 0.08)
            (moved.x0, moved.y0) = place(part.x0 + jx, part.y0 + jy)
            if part.kind == .stroke {
                (moved.x1, moved.y1) = place(part.x1 + jx, part.y1 + jy)
            } else {
                moved.x1 = part.x1 * scale * rng.uniform(0.85, 1.15)
            }
            moved.width = part.width * widthFactor
            return (moved, ink)
        }
        if rng.bernoulli(0.5) {
            var distractor = layout.distractors[rng.below(layout.distractors.count)]
            distractor.x0 += rng.uniform(-0.2, 0.2)
            distractor.y0 += rng.uniform(-0.2, 0.2)
            parts.append((distractor, rgb(rng.uniform(0, 1), rng.uniform(0.3, 1), rng.uniform(0.4, 0.9))))
        }
        let pixelSize: Float = 2 / Float(side)
        for py in 0..<side {
            let y = (Float(py) + 0.5) * pixelSize - 1
            for px in 0..<side {
                let x = (Float(px) + 0.5) * pixelSize - 1
                var colour = paper
                for (part, c) in parts {
                    let coverage = min(max(1 - SyntheticShapes.edgeDistance(part, x, y) / pixelSize, 0), 1)
                    colour = (colour.0 + coverage * (c.0 - colour.0), colour.1 + coverage * (c.1 - colour.1),
                              colour.2 + coverage * (c.2 - colour.2))
                }
                let out = image + (py * side + px) * 3
                out[0] = byte(colour.0 + 0.04 * rng.normal())
                out[1] = byte(colour.1 + 0.04 * rng.normal())
                out[2] = byte(colour.2 + 0.04 * rng.normal())
            }
        }
    }
}
