import Analysis
import Foundation
import Synchronization

/// The reference lines of a run's accuracy plots, kept in its folder as `references.json`:
/// kNN and linear-probe accuracy of the raw normalised pixels, and of the same network at
/// random initialisation (its epoch 0). A curve means little without them: an untrained
/// encoder already scores well on easy data.
public struct ReferenceLines: Sendable, Codable, Equatable {
    public struct Accuracies: Sendable, Codable, Equatable {
        public var knn: Double
        public var linear: Double
        public init(knn: Double, linear: Double) {
            self.knn = knn
            self.linear = linear
        }
    }

    public var dataSet: String
    public var dataChecksum: String
    public var backbone: Backbone
    public var pixels: Accuracies
    public var randomInit: Accuracies?

    enum CodingKeys: String, CodingKey {
        case dataSet = "data_set", dataChecksum = "data_checksum", backbone, pixels, randomInit = "random_init"
    }

    /// For exports and the screen.
    public var analysis: Analysis.References {
        Analysis.References(pixelsKNN: pixels.knn, pixelsLinear: pixels.linear,
                            randomInitKNN: randomInit?.knn, randomInitLinear: randomInit?.linear)
    }
}

/// Pixel accuracies computed once per data set (by checksum) and process: every run of a
/// comparison shares them.
public enum PixelBaselines {
    private static let cache = Mutex<[String: ReferenceLines.Accuracies]>([:])

    public static func accuracies(for evaluator: Evaluator) -> ReferenceLines.Accuracies {
        let key = evaluator.data.checksum
        if let known = cache.withLock({ $0[key] }) { return known }
        let (knn, linear) = evaluator.pixelAccuracies()
        let value = ReferenceLines.Accuracies(knn: knn, linear: linear)
        cache.withLock { $0[key] = value }
        return value
    }
}
