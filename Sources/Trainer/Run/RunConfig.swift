import Foundation
import Evaluation
import Vocabulary

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
    /// Set when the run was forked from another run's checkpoint (nil in older run files).
    public var fork: ForkOrigin?
    /// Fit the linear probe only every this many epochs (and at the last); nil: every epoch.
    public var probeEvery: Int?

    /// Whether the end of `epoch` fits the linear probe: every `probeEvery`-th epoch from the
    /// random initialisation (epoch 0, the reference line), and always the last.
    public func probesLinear(at epoch: Int) -> Bool {
        guard let every = probeEvery, every > 1 else { return true }
        return epoch % every == 0 || epoch >= epochs
    }

    public init(method: MethodKind) { self.method = method }

    /// A config on the reference budget unless told otherwise: nil `epochs` and
    /// `learningRate` take the reference values for the data, backbone and batch.
    public init(method: MethodKind, backbone: Backbone, data: String, trainLimit: Int?, epochs: Int?,
                batch: Int, learningRate: Float?, seed: UInt64) {
        self.method = method
        self.backbone = backbone
        self.data = data
        self.trainLimit = trainLimit
        self.epochs = epochs ?? Self.referenceEpochs(data: data, backbone: backbone)
        self.batch = batch
        self.learningRate = learningRate ?? Self.referenceLearningRate(batch: batch)
        self.seed = seed
    }

    /// The reference learning rate for a batch size.
    public static func referenceLearningRate(batch: Int) -> Float { 0.06 * Float(batch) / 256 }

    public static let maximumEpochs = 100_000
    public static let maximumBatch = 65_536
    public static let maximumQueue = 1 << 20

    /// The reference epoch budget: 50 on fmnist, else 20 for mlp and 10 for convnet.
    public static func referenceEpochs(data: String, backbone: Backbone) -> Int {
        if data == "fmnist" { return 50 }
        return backbone == .convnet ? 10 : 20
    }

    /// What tells the run from the others of its experiment (method, negative, seed, fork).
    public var identity: RunIdentity {
        let negative: RunIdentity.Negative = settings.medianNegative
            ? .median : .truncated(skip: settings.skip, deputies: settings.deputies)
        return RunIdentity(method: method, negative: negative, seed: seed, forkEpoch: fork?.epoch)
    }

    /// The folder name of the run inside the output folder; seeds other than 0 are named.
    public var name: String { identity.folderName }

    /// The name of the run's seed group: its name without the seed (`triplet-skip1-dep9`
    /// for every seed; `…-fork-e5` for the forks at epoch 5 of every seed of a parent).
    public var groupName: String { identity.groupName }

    /// The config without its seed, as canonical JSON: runs are seeds of one configuration
    /// exactly when these agree (`RunGrouping`).
    public var configKey: String {
        var unseeded = self
        unseeded.seed = 0
        // A fork's parent differs by seed as the fork does: forks of every seed of one parent
        // setting, at one epoch, are seeds of one fork setting.
        if var fork = unseeded.fork {
            let parentGroup = RunIdentity.groupName(ofFolderName: fork.parentName)
            fork.parentFolder = (fork.parentFolder as NSString).deletingLastPathComponent + "/" + parentGroup
            fork.parentName = parentGroup
            unseeded.fork = fork
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(unseeded)).map { String(decoding: $0, as: UTF8.self) } ?? name
    }

    /// The keys of `run.json`'s config whose values differ between `self` and `other`.
    public func differences(from other: RunConfig) -> [String] {
        let mine = flattened(), theirs = other.flattened()
        return Set(mine.keys).union(theirs.keys).filter { mine[$0] != theirs[$0] }.sorted()
    }

    /// "epochs 2 → 3, seed 0 → 7": what differs, the other's value first.
    public func describeDifferences(from other: RunConfig) -> String {
        let mine = flattened(), theirs = other.flattened()
        return differences(from: other).map { "\($0) \(theirs[$0] ?? "absent") → \(mine[$0] ?? "absent")" }.joined(separator: ", ")
    }

    /// The config as `key.path: value` pairs, as written in run.json.
    private func flattened() -> [String: String] {
        guard let data = try? JSONEncoder().encode(self), let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
        var out: [String: String] = [:]
        func walk(_ value: Any, _ path: String) {
            if let dictionary = value as? [String: Any] {
                for (key, inner) in dictionary { walk(inner, path.isEmpty ? key : path + "." + key) }
            } else {
                out[path] = "\(value)"
            }
        }
        walk(object, "")
        return out
    }

    /// The run's data set (`data`, cut to `trainLimit`), or a one-line error naming it.
    public func loadData() throws(DataError) -> Dataset {
        try DataCatalog.load(data).limitingTrain(to: trainLimit)
    }

    /// Problems found before any work starts, one line each; empty when the config is usable.
    /// - Parameters: trainCount, imageSide: of the data set, when it is loaded.
    public func problems(trainCount: Int? = nil, imageSide: Int? = nil) -> [String] {
        var found: [String] = []
        if let imageSide, let problem = backbone.problem(imageSide: imageSide) { found.append(problem) }
        if epochs <= 0 { found.append("--epochs must be positive, got \(epochs)") }
        if let probeEvery, probeEvery < 1 { found.append("--probe-every must be at least 1, got \(probeEvery)") }
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
        if method == .moco && !(1...Self.maximumQueue).contains(settings.queueSize) {
            found.append("--queue must be between 1 and \(Self.maximumQueue), got \(settings.queueSize)")
        }
        // Bounds that only a damaged or hand-edited run.json or experiment file reaches.
        if epochs > Self.maximumEpochs { found.append("epochs \(epochs) is more than \(Self.maximumEpochs)") }
        if batch > Self.maximumBatch { found.append("batch \(batch) is more than \(Self.maximumBatch)") }
        let s = settings
        if !(s.simclrTemperature > 0 && s.simclrTemperature.isFinite && s.mocoTemperature > 0 && s.mocoTemperature.isFinite) {
            found.append("temperatures must be positive")
        }
        if !(s.gamma.isFinite && s.margin.isFinite) { found.append("gamma and margin must be finite") }
        if !(0...1).contains(s.targetMomentum) { found.append("target momentum must lie in [0, 1]") }
        if !(weightDecay >= 0 && weightDecay.isFinite) { found.append("weight decay must be finite and ≥ 0") }
        return found
    }
}

/// Where a forked run came from: its parent's folder and name, and the epoch whose
/// checkpoint it started from (its own epochs continue from there).
public struct ForkOrigin: Sendable, Codable, Equatable {
    public var parentFolder: String
    public var parentName: String
    public var epoch: Int

    public init(parentFolder: String, parentName: String, epoch: Int) {
        self.parentFolder = parentFolder
        self.parentName = parentName
        self.epoch = epoch
    }

    enum CodingKeys: String, CodingKey {
        case parentFolder = "parent_folder", parentName = "parent", epoch
    }
}
