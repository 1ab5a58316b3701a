import Vocabulary

/// The per-epoch metrics of one run with what identifies it in tables and figures.
public struct RunMetrics: Sendable {
    /// The run's name in tables and figures: its folder's name (`RunGrouping` prefixes the
    /// parent folder when two runs share one).
    public var run: String
    /// What the run is: method, triplet negative, seed, fork epoch.
    public var identity: RunIdentity
    public var method: MethodKind { identity.method }
    /// The truncation threshold of a triplet run (nil for other methods).
    public var skip: Int? { identity.skip }
    /// The number of deputies of a triplet run (nil for other methods).
    public var deputies: Int? { identity.deputies }
    public var seed: UInt64 { identity.seed }
    public var rows: [EpochMetrics]
    /// Distances between class centres at the last epoch (C × C, within-class spread 1), if saved.
    public var centreDistances: [Double]?
    public var classNames: [String]
    /// The run's reference lines (raw pixels, random initialisation), if saved.
    public var references: References?
    /// For a fork: its parent run's name and the epoch it started from.
    public var forkedFrom: (parent: String, epoch: Int)?
    /// How the run's accuracies were measured, if recorded.
    public var evaluation: EvaluationProtocol?
    /// Everything that sets the run's results except its seed (the config, canonically
    /// written), when known: runs are seeds of one configuration only when these agree.
    public var configKey: String?
    /// False while the run has not ended normally (queued, running, paused, stopped or
    /// failed: its last row is not its last epoch); nil when unknown. Figures and tables say
    /// when they were made from unfinished runs.
    public var finished: Bool?
    /// The epochs the run is to train, when known: an unfinished run's figures say how far it was.
    public var plannedEpochs: Int?
    /// Parts of the run's folder that could not be read and are left out, one line each
    /// naming the file (an export says them, instead of silently drawing less).
    public var unreadable: [String] = []
    /// The run's folder, when it was read from one.
    public var folder: String?
    /// Images per step, when known: with the class count, what the binomial bound of a
    /// truncated triplet run is computed from.
    public var batch: Int?
    /// The seed group the run is drawn and summarised in: its identity's group name;
    /// `RunGrouping.prepare` makes the labels of different configurations distinct.
    public var group: String

    /// - Parameter run: the name shown (default: the identity's folder name).
    public init(_ identity: RunIdentity, run: String? = nil, rows: [EpochMetrics], centreDistances: [Double]? = nil,
                classNames: [String] = []) {
        self.identity = identity
        self.run = run ?? identity.folderName
        self.rows = rows
        self.centreDistances = centreDistances
        self.classNames = classNames
        group = identity.groupName
    }

    /// The run's last evaluated row (a diverged epoch has no evaluation).
    public var last: EpochMetrics? { rows.last { !$0.diverged } }
    /// The epoch at which the run's loss stopped being finite, if it did.
    public var divergedAt: Int? { rows.first(where: \.diverged)?.epoch }
}

/// Which accuracy a figure or table is about.
public enum AccuracyMeasure: String, Sendable, CaseIterable {
    case knn, linear

    /// The row's accuracy of this kind; nil when it was not measured or is not finite (a
    /// network whose weights became NaN scores NaN), so plots and tables show it as missing.
    public func value(_ row: EpochMetrics) -> Double? {
        (self == .knn ? row.knnTop1 : row.linearTop1).flatMap { $0.isFinite ? $0 : nil }
    }
    public var label: String { self == .knn ? "kNN top-1 accuracy (%)" : "linear-probe top-1 accuracy (%)" }
}
