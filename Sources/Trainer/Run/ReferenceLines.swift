import Evaluation
import Foundation
import Synchronization
import Vocabulary

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
    public var analysis: Evaluation.References {
        Evaluation.References(pixelsKNN: pixels.knn, pixelsLinear: pixels.linear,
                            randomInitKNN: randomInit?.knn, randomInitLinear: randomInit?.linear)
    }
}

/// Pixel accuracies computed once per data set (by checksum) and probe: every run of a
/// comparison shares them, and so do processes that share an output folder (several
/// `--share` processes, the tasks of a Slurm array), through its `pixel-references.json`.
public enum PixelBaselines {
    /// The shared file's name in an output folder.
    public static let fileName = "pixel-references.json"
    private static let cache = Mutex<[String: ReferenceLines.Accuracies]>([:])
    private static let computed = Mutex<[String: Int]>([:])

    /// How many times this process computed the evaluator's pixel accuracies (for the tests of sharing).
    public static func computations(for evaluator: Evaluator) -> Int { computed.withLock { $0[key(evaluator), default: 0] } }

    /// Forgets what this process computed (for the tests of sharing through a folder).
    public static func forgetCached() { cache.withLock { $0 = [:] } }

    /// The pixel accuracies of the evaluator's data set, from this process's memory, else
    /// from `folder`'s shared file (waiting while another process computes them), else
    /// computed (and written there).
    public static func accuracies(for evaluator: Evaluator, sharedIn folder: String? = nil) -> ReferenceLines.Accuracies {
        let key = key(evaluator)
        if let known = cache.withLock({ $0[key] }) { return known }
        let value = folder.flatMap { shared(in: $0, key: key, evaluator: evaluator) } ?? compute(evaluator)
        cache.withLock { $0[key] = value }
        return value
    }

    /// The data set and the probe: what the accuracies depend on.
    private static func key(_ evaluator: Evaluator) -> String { "\(evaluator.data.checksum) · \(evaluator.probe.description)" }

    private static func compute(_ evaluator: Evaluator) -> ReferenceLines.Accuracies {
        computed.withLock { $0[key(evaluator), default: 0] += 1 }
        let (knn, linear) = evaluator.pixelAccuracies()
        return ReferenceLines.Accuracies(knn: knn, linear: linear)
    }

    /// Under the folder's `.pixel-references.lock`: the file's entry for `key`, or a new one.
    /// Nil when the folder cannot be used (then the caller computes for itself).
    private static func shared(in folder: String, key: String, evaluator: Evaluator) -> ReferenceLines.Accuracies? {
        let descriptor = open(folder + "/.pixel-references.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { return nil }
        let path = folder + "/" + fileName
        var entries = FileManager.default.contents(atPath: path)
            .flatMap { try? JSONDecoder().decode([String: ReferenceLines.Accuracies].self, from: $0) } ?? [:]
        if let known = entries[key] { return known }
        let value = compute(evaluator)
        entries[key] = value
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let bytes = try? encoder.encode(entries) { try? AtomicFile.write(bytes, to: path) }
        return value
    }
}
