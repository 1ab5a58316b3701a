import Vocabulary

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
    /// byol and triplet: whether the online branch has its predictor (the reference does).
    public var predictor = true
    /// byol and triplet: keep the target momentum at its base value instead of raising it
    /// to 1. With base 0 and no predictor this is the textbook recipe for collapse.
    public var fixedMomentum = false

    public init() {}

    /// The truncation thresholds of the reference sweep (`../shared/reference-workloads.md`),
    /// which `workbench sweep` and the `S` key both train.
    public static let referenceSweepSkips = [0, 1, 5, 10, 20, 25, 30, 40, 60, 100]

    /// Reads settings written by any version: keys added later take their defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = MethodSettings()
        simclrTemperature = try c.decodeIfPresent(Float.self, forKey: .simclrTemperature) ?? d.simclrTemperature
        mocoTemperature = try c.decodeIfPresent(Float.self, forKey: .mocoTemperature) ?? d.mocoTemperature
        queueSize = try c.decodeIfPresent(Int.self, forKey: .queueSize) ?? d.queueSize
        targetMomentum = try c.decodeIfPresent(Float.self, forKey: .targetMomentum) ?? d.targetMomentum
        skip = try c.decodeIfPresent(Int.self, forKey: .skip) ?? d.skip
        deputies = try c.decodeIfPresent(Int.self, forKey: .deputies) ?? d.deputies
        gamma = try c.decodeIfPresent(Float.self, forKey: .gamma) ?? d.gamma
        margin = try c.decodeIfPresent(Float.self, forKey: .margin) ?? d.margin
        medianNegative = try c.decodeIfPresent(Bool.self, forKey: .medianNegative) ?? d.medianNegative
        predictor = try c.decodeIfPresent(Bool.self, forKey: .predictor) ?? d.predictor
        fixedMomentum = try c.decodeIfPresent(Bool.self, forKey: .fixedMomentum) ?? d.fixedMomentum
    }

    /// How the triplet loss picks its negatives.
    public var negativeSelection: NegativeSelection {
        medianNegative ? .median : .truncated(skip: skip, deputies: deputies)
    }
}

/// What one training step reports.
public struct StepOutcome: Sendable {
    public var loss: Float
    /// Measured Pr(ω|A) of the step, when the method has negatives.
    public var prOmegaMeasured: Float?

    public init(loss: Float, prOmegaMeasured: Float? = nil) {
        self.loss = loss
        self.prOmegaMeasured = prOmegaMeasured
    }
}
