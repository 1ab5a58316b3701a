import Evaluation
import Vocabulary

/// What the screen shows of one run: an immutable copy taken by the trainer thread, in
/// typed values; the screen formats them.
public struct RunSnapshot: Sendable, Equatable {
    /// The run's folder name.
    public var name: String
    /// What the run is: method, triplet negative, seed, fork epoch.
    public var identity: RunIdentity
    /// The method's settings; nil when the run's config could not be read (a half-copied folder).
    public var settings: MethodSettings?
    public var status: RunStatus
    public var paused: Bool
    /// Epochs finished (0 once the initial evaluation is done; −1 before).
    public var epochsDone: Int
    public var totalEpochs: Int
    public var step: Int
    public var stepsPerEpoch: Int
    public var lastLoss: Double?
    public var imagesPerSecond: Double?
    public var etaSeconds: Double?
    public var metrics: [EpochMetrics]
    public var message: String?
    /// The run's config without its seed (`RunConfig.configKey`): runs are one seed group on
    /// screen exactly when these agree, as in exports (empty: grouped by identity alone).
    public var configKey: String = ""

    public var method: MethodKind { identity.method }
    public var skip: Int? { identity.skip }
    /// The deputies of a truncated triplet run (nil for other methods).
    public var deputies: Int? { identity.deputies }
    public var seed: UInt64 { identity.seed }
    /// The epoch a fork started from (its curve is drawn from there, in a related colour).
    public var forkedAt: Int? { identity.forkEpoch }

    /// What the run's seed group is keyed by.
    public var seedGroupKey: String { configKey.isEmpty ? identity.groupName : configKey }

    /// The run as the analysis functions take it (rows, truncation setting, fork epoch), in
    /// its seed group by key.
    public var asRunMetrics: RunMetrics {
        var metrics = RunMetrics(identity, run: name, rows: self.metrics)
        metrics.configKey = seedGroupKey
        metrics.group = seedGroupKey
        metrics.forkedFrom = forkedAt.map { ("", $0) }
        metrics.finished = status.hasEnded
        metrics.plannedEpochs = totalEpochs
        return metrics
    }

    /// - Parameter name: the folder name (default: the identity's).
    public init(_ identity: RunIdentity, name: String? = nil, settings: MethodSettings? = MethodSettings(), status: RunStatus,
                paused: Bool = false, epochsDone: Int, totalEpochs: Int, step: Int = 0, stepsPerEpoch: Int = 0,
                lastLoss: Double? = nil, imagesPerSecond: Double? = nil, etaSeconds: Double? = nil,
                metrics: [EpochMetrics] = [], message: String? = nil) {
        self.name = name ?? identity.folderName
        self.identity = identity
        self.settings = settings
        self.status = status
        self.paused = paused
        self.epochsDone = epochsDone
        self.totalEpochs = totalEpochs
        self.step = step
        self.stepsPerEpoch = stepsPerEpoch
        self.lastLoss = lastLoss
        self.imagesPerSecond = imagesPerSecond
        self.etaSeconds = etaSeconds
        self.metrics = metrics
        self.message = message
    }

    /// Where the run is (or was last) trained; nil for runs of this process's own trainer.
    public var place: ProcessPlace?
    /// Watching: the run says it is running, but its process is gone (seen on this host) or
    /// has written nothing for much longer than its epochs take.
    public var stalled = false

    /// A run of `c` that has not started: queued, no epochs, with everything the config
    /// says (name, settings, seed group); the trainer and the watcher fill in the rest.
    public init(config c: RunConfig) {
        self.init(c.identity, name: c.name, settings: c.settings, status: .queued, epochsDone: -1, totalEpochs: c.epochs)
        configKey = c.configKey
    }

    /// Fraction of the run done, in [0, 1].
    public var progress: Double {
        guard totalEpochs > 0 else { return 1 }
        let epochs = Double(max(epochsDone, 0)) + (stepsPerEpoch > 0 ? Double(step) / Double(stepsPerEpoch) : 0)
        return min(1, epochs / Double(totalEpochs))
    }
}

/// Everything the screen needs, published by the trainer thread after steps and epochs.
public struct SessionSnapshot: Sendable, Equatable {
    public var revision: Int
    public var dataName: String
    /// The images' side and channels, for the status line.
    public var imageShape = ImageShape(side: 0)
    /// The truncation threshold the binomial bound predicts for the data's class count and
    /// the triplet runs' batch (nil: nothing to predict).
    public var truncationPrediction: TruncationPrediction?
    public var backbone: Backbone
    public var outDirectory: String
    public var runs: [RunSnapshot]
    /// The settings the next queued triplet run will get.
    public var nextSkip: Int
    public var nextDeputies: Int
    /// The latest thing worth telling the user (a command's answer, an error).
    public var message: String
    /// Watching runs trained by other processes (`workbench watch`): keys that act on a
    /// trainer only say so.
    public var watching = false
    /// True once the trainer thread has ended.
    public var finished: Bool
    /// Raw pixels and random initialisation, once the first run has measured them.
    public var references: References?

    public init(revision: Int = 0, dataName: String = "", backbone: Backbone = .mlp, outDirectory: String = "",
                runs: [RunSnapshot] = [], nextSkip: Int = 1, nextDeputies: Int = 9, message: String = "", finished: Bool = false) {
        self.revision = revision
        self.dataName = dataName
        self.backbone = backbone
        self.outDirectory = outDirectory
        self.runs = runs
        self.nextSkip = nextSkip
        self.nextDeputies = nextDeputies
        self.message = message
        self.finished = finished
    }
}

/// What the screen asks the trainer to do.
public enum SessionCommand: Sendable, Equatable {
    case togglePause(run: String)
    case stop(run: String)
    case adjustSkip(by: Int)
    case adjustDeputies(by: Int)
    /// A triplet run with the current next settings.
    case queueTriplet
    /// The truncation sweep of the reference workloads, with the current deputies.
    case queueSweep
    /// The run again with the next unused seed, so its curve becomes a mean with a band.
    case addSeed(run: String)
    /// A fork of a triplet run from its latest checkpoint, with the next skip and deputies.
    case fork(run: String)
    case quit
}
