import Foundation

/// The two view recipes of the reference workloads, one per backbone.
public struct AugmentationRecipe: Sendable, Equatable {
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

    /// convnet: crop scale [0.2, 1], flip, jitter.
    public static let convnet = AugmentationRecipe(
        cropScale: 0.2...1.0, cropRatio: 0.75...(4.0 / 3.0), flipProbability: 0.5,
        jitterProbability: 0.8, jitterFactor: 0.6...1.4,
        eraseProbability: 0, eraseScale: 0.02...0.25, eraseRatio: 0.3...(1 / 0.3))

    /// mlp: crop scale [0.5, 1], no flip, jitter, random erasing.
    public static let mlp = AugmentationRecipe(
        cropScale: 0.5...1.0, cropRatio: 0.75...(4.0 / 3.0), flipProbability: 0,
        jitterProbability: 0.8, jitterFactor: 0.6...1.4,
        eraseProbability: 0.5, eraseScale: 0.02...0.25, eraseRatio: 0.3...(1 / 0.3))

    /// The recipe the reference workloads pair with `backbone`.
    public static func forBackbone(_ backbone: Backbone) -> AugmentationRecipe {
        backbone == .mlp ? .mlp : .convnet
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

    public init() {}
}
