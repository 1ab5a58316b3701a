import TensorCore

/// The backbones of the reference workloads.
public enum Backbone: String, CaseIterable, Sendable, Codable {
    case mlp
    case convnet

    /// Width of the representation the backbone produces.
    public var representationSize: Int {
        switch self {
        case .mlp: 512
        case .convnet: 128
        }
    }

    /// Why this backbone cannot take `side × side` images, or nil when it can: the convnet
    /// halves the image twice with 2×2 pooling, so its side must be a multiple of 4.
    public func problem(imageSide side: Int) -> String? {
        switch self {
        case .mlp: return side >= 1 ? nil : "images of side \(side) cannot be trained"
        case .convnet:
            guard side >= 4, side % 4 == 0 else {
                return "the convnet halves its input twice, so it needs images whose side is a multiple of 4 (4, 8, …, 28, 32, …), not \(side)×\(side); resize the images or use --backbone mlp"
            }
            return nil
        }
    }
}

/// Builders for the networks of the reference workloads (inputs are side × side images of
/// C channels stored as rows of side·side·C values, which the convnet reads as [N, side, side, C]).
public enum Architectures {
    /// mlp: side²·C → 1024 (BN, ReLU) → 512 (BN, ReLU);
    /// convnet: three 3×3 conv blocks (32, 64, 128 channels; the first takes C) with pooling,
    /// then global average pool. Every "BN, ReLU" is one BatchNorm layer with its ReLU fused in.
    public static func backbone(_ kind: Backbone, imageSide: Int = 28, channels: Int = 1,
                                rng: inout RandomGenerator) -> Sequential {
        switch kind {
        case .mlp:
            let inputs = imageSide * imageSide * channels
            return Sequential([
                Linear(inputs: inputs, outputs: 1024, bias: false, rng: &rng), BatchNorm(channels: 1024, relu: true),
                Linear(inputs: 1024, outputs: 512, bias: false, rng: &rng), BatchNorm(channels: 512, relu: true),
            ])
        case .convnet:
            let s1 = imageSide, s2 = imageSide / 2, s3 = imageSide / 4
            return Sequential([
                Conv2d(inputChannels: channels, outputChannels: 32, height: s1, width: s1, rng: &rng),
                BatchNorm(channels: 32, relu: true), MaxPool2d(height: s1, width: s1, channels: 32),
                Conv2d(inputChannels: 32, outputChannels: 64, height: s2, width: s2, rng: &rng),
                BatchNorm(channels: 64, relu: true), MaxPool2d(height: s2, width: s2, channels: 64),
                Conv2d(inputChannels: 64, outputChannels: 128, height: s3, width: s3, rng: &rng),
                BatchNorm(channels: 128, relu: true),
                GlobalAveragePool(channels: 128),
            ])
        }
    }

    /// Projector: rep → 1024 (BN, ReLU) → 128.
    public static func projector(inputs: Int, hidden: Int = 1024, outputs: Int = 128,
                                 rng: inout RandomGenerator) -> Sequential {
        mlpHead(inputs: inputs, hidden: hidden, outputs: outputs, rng: &rng)
    }

    /// Predictor (BYOL, truncated triplet): 128 → 1024 (BN, ReLU) → 128.
    public static func predictor(size: Int = 128, hidden: Int = 1024, rng: inout RandomGenerator) -> Sequential {
        mlpHead(inputs: size, hidden: hidden, outputs: size, rng: &rng)
    }

    private static func mlpHead(inputs: Int, hidden: Int, outputs: Int, rng: inout RandomGenerator) -> Sequential {
        Sequential([
            Linear(inputs: inputs, outputs: hidden, bias: false, rng: &rng), BatchNorm(channels: hidden, relu: true),
            Linear(inputs: hidden, outputs: outputs, rng: &rng),
        ])
    }
}
