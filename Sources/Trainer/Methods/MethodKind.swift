/// The training methods the workbench compares.
public enum MethodKind: String, CaseIterable, Sendable, Codable {
    case simclr, moco, byol, triplet, supervised

    /// Whether the method learns without labels.
    public var isSelfSupervised: Bool { self != .supervised }
}

/// The knobs of every method, with the reference defaults; each method reads its own.
public struct MethodSettings: Sendable, Codable, Equatable {
    /// NT-Xent temperature (simclr).
    public var simclrTemperature: Float = 0.5
    /// InfoNCE temperature (moco).
    public var mocoTemperature: Float = 0.2
    /// Negative keys kept by moco.
    public var queueSize = 4096
    /// Base momentum of the key / target network, rising to 1 for byol and triplet.
    public var targetMomentum: Float = 0.99
    /// Truncated triplet: ranked negatives skipped, and the number averaged after them.
    public var skip = 1
    public var deputies = 9
    /// Truncated triplet: weight of the positive distance, and the hinge margin.
    public var gamma: Float = 2
    public var margin: Float = 100
    /// Truncated triplet: use the median negative instead of skip/deputies.
    public var medianNegative = false

    public init() {}

    /// How the triplet loss picks its negatives.
    public var negativeSelection: NegativeSelection {
        medianNegative ? .median : .truncated(skip: skip, deputies: deputies)
    }
}

/// What one training step reports.
public struct StepOutcome: Sendable {
    public var loss: Float
    /// Measured Pr(ω|A) of the step, when the method has negatives.
    public var falseNegativeShare: Float?

    public init(loss: Float, falseNegativeShare: Float? = nil) {
        self.loss = loss
        self.falseNegativeShare = falseNegativeShare
    }
}
