import CKernels
import Foundation
import TensorCore

/// Makes the two augmented, normalised views of every image of a batch, written straight
/// into one preallocated [2N, side·side·channels] buffer: rows 0..<N are the first views,
/// N..<2N the second. Nothing is allocated per image.
public struct Augmenter: Sendable {
    public let recipe: AugmentationRecipe
    public let side: Int
    public let channels: Int
    public let normalisation: Normalisation

    public init(recipe: AugmentationRecipe, shape: ImageShape, normalisation: Normalisation) {
        self.recipe = recipe
        side = shape.side
        channels = shape.channels
        self.normalisation = normalisation
    }

    /// A grey augmenter with one mean and std.
    public init(recipe: AugmentationRecipe, side: Int, mean: Float, std: Float) {
        self.init(recipe: recipe, shape: ImageShape(side: side), normalisation: Normalisation(mean: mean, std: std))
    }

    /// The augmenter the reference workloads use for `backbone` on `data`.
    public init(backbone: Backbone, data: Dataset) {
        self.init(recipe: .forData(backbone: backbone, channels: data.channels), shape: data.shape,
                  normalisation: data.normalisation)
    }

    /// Values per image and view.
    public var values: Int { side * side * channels }

    /// Fills `views` with two views of each image in `indices`, drawing from `rng`. The
    /// draws are made in order on this thread (so a seed gives the same views on any number
    /// of cores) into `draws`, a workspace the caller keeps; the views are then rendered
    /// over the kernels' threads.
    public func makeViews(of set: ImageSet, indices: ArraySlice<Int>, into views: Tensor,
                          draws: inout [AugmentationDraw], rng: inout RandomGenerator) {
        let n = indices.count, values = self.values
        views.resize(rows: 2 * n, columns: values)
        if draws.count != 2 * n { draws = [AugmentationDraw](repeating: AugmentationDraw(), count: 2 * n) }
        for i in 0..<(2 * n) { draws[i] = draw(&rng) }
        set.withSource { source in
            indices.withUnsafeBufferPointer { chosen in
                draws.withUnsafeBufferPointer { drawn in
                    withUnsafePointer(to: self) { augmenter in
                        guard let index = chosen.baseAddress, let draw = drawn.baseAddress else { return }
                        var job = ViewJob(augmenter: augmenter, draws: draw, images: source, indices: index,
                                          views: views.data, count: n, values: values)
                        let viewCount = Int64(2 * n)
                        wb_parallel_for(viewCount, wb_parts(viewCount * Int64(values), 1 << 15), { context, begin, end, _ in
                            guard let job = context?.assumingMemoryBound(to: ViewJob.self).pointee else { return }
                            for view in Int(begin)..<Int(end) { job.render(view) }
                        }, &job)
                    }
                }
            }
        }
    }

    /// One batch's rendering, read by the kernels' threads: view v < N is the first view of
    /// image N's v-th index (draw 2v), view N + r the second (draw 2r + 1).
    private struct ViewJob {
        let augmenter: UnsafePointer<Augmenter>
        let draws: UnsafePointer<AugmentationDraw>
        let images: PixelStore
        let indices: UnsafePointer<Int>
        let views: UnsafeMutablePointer<Float>
        let count: Int, values: Int

        func render(_ view: Int) {
            let row = view % count, second = view >= count
            let d = draws[2 * row + (second ? 1 : 0)], output = views + view * values, start = indices[row] * values
            switch images {
            case .bytes(let b): augmenter.pointee.apply(d, to: BytePixels(b + start), into: output)
            case .floats(let f): augmenter.pointee.apply(d, to: f + start, into: output)
            case .empty: break
            }
        }
    }

    /// Writes the un-augmented, normalised images at `indices` into `batch` ([N, side·side·channels]).
    public func normalise(_ set: ImageSet, indices: Range<Int>, into batch: Tensor) {
        let values = self.values
        batch.resize(rows: indices.count, columns: values)
        let first = indices.lowerBound * values, total = indices.count * values
        set.withSource { source in
            switch source {
            case .floats(let f): normaliseChannels(FloatPixels(f + first), into: batch.data, pixels: total / channels)
            case .bytes(let b): normaliseChannels(BytePixels(b + first), into: batch.data, pixels: total / channels)
            case .empty: break
            }
        }
    }

    /// (value − mean[c]) / std[c] for `pixels` pixels of interleaved channels.
    private func normaliseChannels<Source: PixelSource>(_ source: Source, into out: UnsafeMutablePointer<Float>, pixels: Int) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * channels) { constants in
            for c in 0..<channels {
                constants[c] = normalisation.mean[c]
                constants[channels + c] = 1 / normalisation.std[c]
            }
            for p in 0..<pixels {
                for c in 0..<channels {
                    let i = p * channels + c
                    out[i] = (source[i] - constants[c]) * constants[channels + c]
                }
            }
        }
    }

    /// Draws the random choices for one view.
    public func draw(_ rng: inout RandomGenerator) -> AugmentationDraw {
        var d = AugmentationDraw()
        (d.cropX, d.cropY, d.cropWidth, d.cropHeight) = randomResizedCrop(&rng)
        d.flip = recipe.flipProbability > 0 && rng.bernoulli(recipe.flipProbability)
        if rng.bernoulli(recipe.jitterProbability) {
            d.brightness = rng.uniform(recipe.jitterFactor.lowerBound, recipe.jitterFactor.upperBound)
            d.contrast = rng.uniform(recipe.jitterFactor.lowerBound, recipe.jitterFactor.upperBound)
        }
        if recipe.eraseProbability > 0 && rng.bernoulli(recipe.eraseProbability) {
            (d.eraseX, d.eraseY, d.eraseWidth, d.eraseHeight) = randomErase(&rng)
        }
        guard recipe.isColour else { return d }
        if d.brightness != 1 || d.contrast != 1 {  // jitter was drawn: its colour half
            d.saturation = rng.uniform(recipe.saturationFactor.lowerBound, recipe.saturationFactor.upperBound)
            d.hue = rng.uniform(-recipe.hueShift, recipe.hueShift)
            if recipe.randomJitterOrder { d.jitterOrder = Self.randomOrder(&rng) }
        }
        d.greyscale = rng.bernoulli(recipe.greyscaleProbability)
        if side >= recipe.blurMinimumSide && recipe.blurProbability > 0 && rng.bernoulli(recipe.blurProbability) {
            d.blurSigma = rng.uniform(recipe.blurSigma.lowerBound, recipe.blurSigma.upperBound)
        }
        return d
    }

    /// A uniform permutation of the four jitters (Fisher–Yates), two bits per step.
    static func randomOrder(_ rng: inout RandomGenerator) -> UInt8 {
        var order: UInt8 = 0b11_10_01_00  // slot k holds step k's jitter; no array, no allocation per view
        for i in stride(from: 3, to: 0, by: -1) {
            let j = rng.below(i + 1)
            let a = (order >> UInt8(2 * i)) & 3, b = (order >> UInt8(2 * j)) & 3
            order &= ~((3 << UInt8(2 * i)) | (3 << UInt8(2 * j)))
            order |= (b << UInt8(2 * i)) | (a << UInt8(2 * j))
        }
        return order
    }

    /// Renders one view of `image` into `output` (side·side·channels normalised values).
    public func apply(_ d: AugmentationDraw, to image: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>) {
        render(d, from: FloatPixels(image), into: output)
    }

    /// Renders one view of an image of bytes.
    public func apply(_ d: AugmentationDraw, to image: BytePixels, into output: UnsafeMutablePointer<Float>) {
        render(d, from: image, into: output)
    }

    private func render<Source: PixelSource>(_ d: AugmentationDraw, from image: Source, into output: UnsafeMutablePointer<Float>) {
        Resample.bilinear(image, sourceWidth: side, sourceHeight: side, channels: channels,
                          x0: Float(d.cropX), y0: Float(d.cropY), width: Float(d.cropWidth),
                          height: Float(d.cropHeight), into: output, side: side, mirrored: d.flip)
        if channels == 3 {
            ColourJitter.apply(d, to: output, side: side)
            normaliseChannels(FloatPixels(UnsafePointer(output)), into: output, pixels: side * side)
            return
        }
        let pixels = side * side
        let mean = normalisation.mean[0], std = normalisation.std[0]
        // Jitter, then normalise (in the contrast pass when there is one), then erase with
        // the normalised value of black.
        let inverseStd = 1 / std
        if d.brightness != 1 || d.contrast != 1 {
            var sum: Float = 0
            for i in 0..<pixels {
                let v = min(max(output[i] * d.brightness, 0), 1)
                output[i] = v
                sum += v
            }
            let m = sum / Float(pixels)
            for i in 0..<pixels {
                output[i] = (min(max(d.contrast * output[i] + (1 - d.contrast) * m, 0), 1) - mean) * inverseStd
            }
        } else {
            for i in 0..<pixels { output[i] = (output[i] - mean) * inverseStd }
        }
        if d.eraseWidth > 0 {
            let black = (0 - mean) * inverseStd
            for y in d.eraseY..<(d.eraseY + d.eraseHeight) {
                (output + y * side + d.eraseX).update(repeating: black, count: d.eraseWidth)
            }
        }
    }

    /// torchvision's RandomResizedCrop box: ten tries at a random area and aspect ratio,
    /// then a centre crop with the ratio clamped into range.
    func randomResizedCrop(_ rng: inout RandomGenerator) -> (Int, Int, Int, Int) {
        randomBox(areaShare: recipe.cropScale, ratio: recipe.cropRatio, maximumSide: side, rng: &rng)
            ?? (0, 0, side, side)  // square images: the clamped centre crop is the whole image
    }

    /// torchvision's RandomErasing box (strictly inside the image): ten tries, else nothing erased.
    func randomErase(_ rng: inout RandomGenerator) -> (Int, Int, Int, Int) {
        randomBox(areaShare: recipe.eraseScale, ratio: recipe.eraseRatio, maximumSide: side - 1, rng: &rng)
            ?? (0, 0, 0, 0)
    }

    /// Up to ten draws of a box with a uniform share of the image area and a log-uniform
    /// aspect ratio (width / height; the ranges used are symmetric, so height / width alike),
    /// placed uniformly; nil when no draw fits within `maximumSide`.
    private func randomBox(areaShare: ClosedRange<Float>, ratio: ClosedRange<Float>, maximumSide: Int,
                           rng: inout RandomGenerator) -> (Int, Int, Int, Int)? {
        let area = Float(side * side)
        let logLow = Foundation.log(ratio.lowerBound), logHigh = Foundation.log(ratio.upperBound)
        for _ in 0..<10 {
            let target = area * rng.uniform(areaShare.lowerBound, areaShare.upperBound)
            let r = Foundation.exp(rng.uniform(logLow, logHigh))
            let w = Int((target * r).squareRoot().rounded())
            let h = Int((target / r).squareRoot().rounded())
            if w > 0 && w <= maximumSide && h > 0 && h <= maximumSide {
                return (rng.below(side - w + 1), rng.below(side - h + 1), w, h)
            }
        }
        return nil
    }
}
