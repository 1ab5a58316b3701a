import Foundation

/// The view recipes of the reference workloads: one per backbone for grey images, and the
/// SimCLR CIFAR recipe for colour.
public struct AugmentationRecipe: Sendable, Equatable {
    /// Its name in run.json: "mlp", "convnet" or "colour".
    public var name: String
    /// Range of the crop's share of the image area.
    public var cropScale: ClosedRange<Float>
    /// Range of the crop's aspect ratio (width / height).
    public var cropRatio: ClosedRange<Float>
    public var flipProbability: Float
    /// Probability of applying brightness then contrast jitter.
    public var jitterProbability: Float
    /// Range of the brightness and of the contrast factor.
    public var jitterFactor: ClosedRange<Float>
    public var eraseProbability: Float
    /// Range of the erased box's share of the image area.
    public var eraseScale: ClosedRange<Float>
    /// Range of the erased box's aspect ratio (height / width), drawn log-uniformly.
    public var eraseRatio: ClosedRange<Float>
    /// Colour only (0 for grey): range of the saturation factor, drawn with brightness and contrast.
    public var saturationFactor: ClosedRange<Float> = 1...1
    /// Colour only: the hue shift is uniform in [−hueShift, hueShift] of the hue circle.
    public var hueShift: Float = 0
    /// Colour only: the four jitters in a random order per view (grey: brightness, then contrast).
    public var randomJitterOrder = false
    public var greyscaleProbability: Float = 0
    /// Gaussian blur, for images of side `blurMinimumSide` or more only.
    public var blurProbability: Float = 0
    public var blurSigma: ClosedRange<Float> = 0.1...2.0
    public var blurMinimumSide = 64

    /// Whether the recipe changes colours (and so needs three channels).
    public var isColour: Bool { hueShift > 0 || saturationFactor != 1...1 || greyscaleProbability > 0 }

    /// convnet: crop scale [0.2, 1], flip, jitter.
    public static let convnet = AugmentationRecipe(
        name: "convnet", cropScale: 0.2...1.0, cropRatio: 0.75...(4.0 / 3.0), flipProbability: 0.5,
        jitterProbability: 0.8, jitterFactor: 0.6...1.4,
        eraseProbability: 0, eraseScale: 0.02...0.25, eraseRatio: 0.3...(1 / 0.3))

    /// mlp: crop scale [0.5, 1], no flip, jitter, random erasing.
    public static let mlp = AugmentationRecipe(
        name: "mlp", cropScale: 0.5...1.0, cropRatio: 0.75...(4.0 / 3.0), flipProbability: 0,
        jitterProbability: 0.8, jitterFactor: 0.6...1.4,
        eraseProbability: 0.5, eraseScale: 0.02...0.25, eraseRatio: 0.3...(1 / 0.3))

    /// colour (the SimCLR CIFAR recipe, colour strength 0.5): crop scale [0.08, 1], flip,
    /// brightness, contrast and saturation 0.4 and hue 0.1 in a random order with p = 0.8,
    /// greyscale with p = 0.2, and from side 64 a Gaussian blur with p = 0.5.
    public static let colour: AugmentationRecipe = {
        var r = AugmentationRecipe(
            name: "colour", cropScale: 0.08...1.0, cropRatio: 0.75...(4.0 / 3.0), flipProbability: 0.5,
            jitterProbability: 0.8, jitterFactor: 0.6...1.4,
            eraseProbability: 0, eraseScale: 0.02...0.25, eraseRatio: 0.3...(1 / 0.3))
        r.saturationFactor = 0.6...1.4
        r.hueShift = 0.1
        r.randomJitterOrder = true
        r.greyscaleProbability = 0.2
        r.blurProbability = 0.5
        return r
    }()

    /// The recipe the reference workloads pair with `backbone` on grey images.
    public static func forBackbone(_ backbone: Backbone) -> AugmentationRecipe {
        backbone == .mlp ? .mlp : .convnet
    }

    /// The recipe for `backbone` on images with `channels` channels: colour images get the
    /// colour recipe whatever the backbone; grey ones keep their backbone's.
    public static func forData(backbone: Backbone, channels: Int) -> AugmentationRecipe {
        channels == 3 ? .colour : forBackbone(backbone)
    }
}

/// Everything drawn at random for one view, so a view can be drawn once and applied,
/// and the draws themselves can be tested.
public struct AugmentationDraw: Sendable, Equatable {
    /// Crop box in source pixels.
    public var cropX = 0, cropY = 0, cropWidth = 0, cropHeight = 0
    public var flip = false
    /// Brightness and contrast factors (1 when jitter was not applied).
    public var brightness: Float = 1, contrast: Float = 1
    /// Erased box in output pixels (zero size when not erased).
    public var eraseX = 0, eraseY = 0, eraseWidth = 0, eraseHeight = 0
    /// Colour: saturation factor, hue shift, the order of the four jitters (0 brightness,
    /// 1 contrast, 2 saturation, 3 hue; packed two bits each), greyscale, blur σ (0: none).
    public var saturation: Float = 1, hue: Float = 0
    public var jitterOrder: UInt8 = 0b11_10_01_00
    public var greyscale = false
    public var blurSigma: Float = 0

    public init() {}
}
