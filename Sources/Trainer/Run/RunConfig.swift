import Foundation

/// Everything that determines a run's results. Two runs with equal configs and equal data
/// produce the same metrics (timing aside).
public struct RunConfig: Sendable, Codable, Equatable {
    public var method: MethodKind
    public var backbone: Backbone = .mlp
    /// `--data` as given: a name or a folder.
    public var data: String = "synthetic"
    /// Keep only the first images of the training split (nil: all).
    public var trainLimit: Int?
    public var epochs = 20
    public var batch = 256
    /// Base learning rate; the reference is 0.06 × batch / 256.
    public var learningRate: Float = 0.06
    public var weightDecay: Float = 5e-4
    public var seed: UInt64 = 0
    public var settings = MethodSettings()

    public init(method: MethodKind) { self.method = method }

    /// The reference learning rate for a batch size.
    public static func referenceLearningRate(batch: Int) -> Float { 0.06 * Float(batch) / 256 }

    /// The folder name of the run inside the output folder.
    public var name: String {
        var name = method.rawValue
        if method == .triplet {
            name += settings.medianNegative ? "-median" : "-skip\(settings.skip)-dep\(settings.deputies)"
        }
        return name
    }

    /// Problems found before any work starts, one line each; empty when the config is usable.
    public func problems(trainCount: Int? = nil) -> [String] {
        var found: [String] = []
        if epochs <= 0 { found.append("--epochs must be positive, got \(epochs)") }
        if batch < 2 { found.append("--batch must be at least 2, got \(batch)") }
        if !(learningRate > 0) || !learningRate.isFinite { found.append("--lr must be positive, got \(learningRate)") }
        if let trainLimit, trainLimit < 2 { found.append("--train-size must be at least 2, got \(trainLimit)") }
        if let trainCount, batch > trainCount {
            found.append("--batch \(batch) is larger than the \(trainCount) training images of \(data)")
        }
        if method == .triplet && !settings.medianNegative {
            let negatives = batch - 1
            if settings.skip < 0 || settings.deputies < 1 {
                found.append("--skip must be ≥ 0 and --deputies ≥ 1 (got \(settings.skip), \(settings.deputies))")
            } else if settings.skip + settings.deputies > negatives {
                found.append("--skip \(settings.skip) + --deputies \(settings.deputies) exceeds the \(negatives) negatives of a batch of \(batch)")
            }
        }
        if method == .moco && settings.queueSize < 1 { found.append("--queue must be positive, got \(settings.queueSize)") }
        return found
    }
}
