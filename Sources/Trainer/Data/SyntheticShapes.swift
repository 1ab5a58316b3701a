import Foundation
import TensorCore

/// The `synthetic` data set: procedurally drawn 28×28 images with real class structure.
///
/// Each of the 10 classes has 3 visual modes; a mode is a prototype of two or three
/// strokes, discs and rings placed by a fixed seed. Every sample redraws its prototype
/// with its own shift, scale, rotation, stroke width and brightness, moves each part a
/// little, adds a distractor shape drawn from a pool shared by all classes, and adds
/// noise. Generation is deterministic and parallel: image i depends only on the seed and i.
public enum SyntheticShapes {
    public static let classCount = 10
    public static let modesPerClass = 3
    public static let side = 28
    /// The generator seed is part of the project: changing it changes every synthetic result.
    public static let prototypeSeed: UInt64 = 2021

    /// The reference `synthetic` data set: 20,000 training and 4,000 test images.
    public static func dataset(trainCount: Int = 20_000, testCount: Int = 4_000) -> Dataset {
        let prototypes = makePrototypes()
        let distractors = makeDistractors()
        let train = render(count: trainCount, stream: 1, prototypes: prototypes, distractors: distractors)
        let test = render(count: testCount, stream: 2, prototypes: prototypes, distractors: distractors)
        let stats = Dataset.statistics(of: train)
        return Dataset(name: "synthetic", train: train, test: test,
                       classNames: (0..<classCount).map { "shape-\($0)" }, mean: stats.mean, std: stats.std)
    }

    enum Kind { case stroke, disc, ring }

    /// One drawing primitive in a unit frame centred on the image (coordinates in [-1, 1]).
    struct Part {
        var kind: Kind
        var x0: Float, y0: Float, x1: Float, y1: Float  // stroke ends, or centre and radius
        var width: Float
    }

    static func makePrototypes() -> [[Part]] {
        var rng = RandomGenerator(seed: prototypeSeed)
        return (0..<(classCount * modesPerClass)).map { _ in
            (0..<(2 + rng.below(2))).map { _ in randomPart(&rng, spread: 0.6) }
        }
    }

    static func makeDistractors() -> [Part] {
        var rng = RandomGenerator(seed: prototypeSeed &+ 7)
        return (0..<8).map { _ in randomPart(&rng, spread: 0.8) }
    }

    static func randomPart(_ rng: inout RandomGenerator, spread: Float) -> Part {
        let choice = rng.below(3)
        let kind: Kind = choice == 0 ? .stroke : (choice == 1 ? .disc : .ring)
        switch kind {
        case .stroke:
            return Part(kind: .stroke, x0: rng.uniform(-spread, spread), y0: rng.uniform(-spread, spread),
                        x1: rng.uniform(-spread, spread), y1: rng.uniform(-spread, spread),
                        width: rng.uniform(0.08, 0.16))
        case .disc, .ring:
            return Part(kind: kind, x0: rng.uniform(-spread / 2, spread / 2), y0: rng.uniform(-spread / 2, spread / 2),
                        x1: rng.uniform(0.15, 0.45), y1: 0, width: rng.uniform(0.07, 0.14))
        }
    }

    static func render(count: Int, stream: UInt64, prototypes: [[Part]], distractors: [Part]) -> ImageSet {
        let pixelsPerImage = side * side
        var pixels = [Float](repeating: 0, count: count * pixelsPerImage)
        var labels = [Int](repeating: 0, count: count)
        pixels.withUnsafeMutableBufferPointer { pixelBuffer in
            labels.withUnsafeMutableBufferPointer { labelBuffer in
                let pixelBase = UnsafeSendablePointer(pixelBuffer.baseAddress)
                let labelBase = UnsafeSendablePointer(labelBuffer.baseAddress)
                forEachInParallel(count) { i in
                    guard let p = pixelBase.pointer, let l = labelBase.pointer else { return }
                    var rng = RandomGenerator(seed: prototypeSeed &+ stream &* 1_000_003 &+ UInt64(i) &* 7919)
                    let label = i % classCount
                    let mode = rng.below(modesPerClass)
                    l[i] = label
                    drawSample(prototypes[label * modesPerClass + mode], distractors: distractors,
                               rng: &rng, into: p + i * pixelsPerImage)
                }
            }
        }
        return ImageSet(pixels: pixels, labels: labels, side: side)
    }

    /// Calls `body(i)` for every i in 0..<count, in contiguous ranges over the cores (each
    /// image depends only on i, so the result does not depend on the split).
    static func forEachInParallel(_ count: Int, _ body: @Sendable (Int) -> Void) {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let start = min(count, worker * chunk)
            for i in start..<min(count, start + chunk) { body(i) }
        }
    }

    static func drawSample(_ prototype: [Part], distractors: [Part], rng: inout RandomGenerator,
                           into image: UnsafeMutablePointer<Float>) {
        let angle = rng.uniform(-0.25, 0.25)
        let scale = rng.uniform(0.85, 1.15)
        let shiftX = rng.uniform(-0.15, 0.15), shiftY = rng.uniform(-0.15, 0.15)
        let widthFactor = rng.uniform(0.75, 1.3)
        let brightness = rng.uniform(0.6, 1.0)
        let cosA = Foundation.cos(angle) * scale, sinA = Foundation.sin(angle) * scale
        func place(_ x: Float, _ y: Float) -> (Float, Float) {
            (cosA * x - sinA * y + shiftX, sinA * x + cosA * y + shiftY)
        }
        var parts: [(Part, Float)] = prototype.map { part in
            var moved = part
            let jx = rng.uniform(-0.08, 0.08), jy = rng.uniform(-0.08, 0.08)
            (moved.x0, moved.y0) = place(part.x0 + jx, part.y0 + jy)
            if part.kind == .stroke {
                (moved.x1, moved.y1) = place(part.x1 + jx + rng.uniform(-0.08, 0.08), part.y1 + jy + rng.uniform(-0.08, 0.08))
            } else {
                moved.x1 = part.x1 * scale * rng.uniform(0.85, 1.15)
            }
            moved.width = part.width * widthFactor
            return (moved, brightness)
        }
        if rng.bernoulli(0.6) {
            var distractor = distractors[rng.below(distractors.count)]
            distractor.x0 += rng.uniform(-0.2, 0.2)
            distractor.y0 += rng.uniform(-0.2, 0.2)
            if distractor.kind == .stroke {
                distractor.x1 += rng.uniform(-0.2, 0.2)
                distractor.y1 += rng.uniform(-0.2, 0.2)
            }
            parts.append((distractor, brightness * rng.uniform(0.3, 0.7)))
        }
        let pixelSize: Float = 2 / Float(side)
        for py in 0..<side {
            let y = (Float(py) + 0.5) * pixelSize - 1
            for px in 0..<side {
                let x = (Float(px) + 0.5) * pixelSize - 1
                var value: Float = 0
                for (part, intensity) in parts {
                    let distance = edgeDistance(part, x, y)
                    let coverage = min(max(1 - distance / pixelSize, 0), 1)
                    value = max(value, coverage * intensity)
                }
                image[py * side + px] = min(max(value + 0.04 * rng.normal(), 0), 1)
            }
        }
    }

    /// Distance from (x, y) to the inked region of `part` (0 inside).
    static func edgeDistance(_ part: Part, _ x: Float, _ y: Float) -> Float {
        switch part.kind {
        case .stroke:
            let dx = part.x1 - part.x0, dy = part.y1 - part.y0
            let length2 = max(dx * dx + dy * dy, 1e-6)
            let t = min(max(((x - part.x0) * dx + (y - part.y0) * dy) / length2, 0), 1)
            let ex = x - (part.x0 + t * dx), ey = y - (part.y0 + t * dy)
            return max((ex * ex + ey * ey).squareRoot() - part.width / 2, 0)
        case .disc:
            let r = ((x - part.x0) * (x - part.x0) + (y - part.y0) * (y - part.y0)).squareRoot()
            return max(r - part.x1, 0)
        case .ring:
            let r = ((x - part.x0) * (x - part.x0) + (y - part.y0) * (y - part.y0)).squareRoot()
            return max(abs(r - part.x1) - part.width / 2, 0)
        }
    }
}

/// A raw pointer handed to worker threads that each write a disjoint range.
struct UnsafeSendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>?
    init(_ pointer: UnsafeMutablePointer<T>?) { self.pointer = pointer }
}
