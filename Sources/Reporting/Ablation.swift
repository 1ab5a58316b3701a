import Vocabulary
import Evaluation

/// The truncation ablation's values, computed once for the screen's ablation panel and the
/// exported figure alike: one point per seed group of truncated triplet runs (the grouping of
/// `RunGrouping`, so a fork is its own point, never a seed of its parent), each at the latest
/// epoch its runs reached, with that epoch said when the points are not all at one.
public struct AblationPoint: Sendable, Equatable {
    /// The seed group's label.
    public var group: String
    public var skip: Int
    public var deputies: Int?
    /// Runs (seeds) in the group that have a value.
    public var seeds: Int
    /// Mean over the seeds (nil: no run has a value yet).
    public var mean: Double?
    /// Sample standard deviation over the seeds (nil with one seed).
    public var std: Double?
    /// The latest evaluated epoch the group's runs share (the lowest of their latest epochs).
    public var epoch: Int?
    /// For a fork: the epoch it started from its parent's checkpoint.
    public var forkedAt: Int?
}

public enum Ablation {
    /// One point per seed group of truncated triplet runs, by skip then deputies. `value`
    /// reads a run's row; each run contributes its row at the group's shared epoch, so seeds
    /// at different epochs are compared where they all are.
    public static func points(_ runs: [RunMetrics], value: (EpochMetrics) -> Double?) -> [AblationPoint] {
        let triplets = runs.filter { $0.method == .triplet && $0.skip != nil }
        return SeedSpread.groups(triplets, key: \.group).compactMap { group -> AblationPoint? in
            guard let first = group.members.first else { return nil }
            let latest = group.members.compactMap { $0.last?.epoch }
            let epoch = latest.min()
            let values = group.members.compactMap { run in
                run.rows.last { !$0.diverged && $0.epoch == epoch }.flatMap(value)
            }.filter(\.isFinite)
            let spread = SeedSpread.meanAndStd(values)
            return AblationPoint(group: group.name, skip: first.skip ?? 0, deputies: first.deputies, seeds: values.count,
                                 mean: spread?.mean, std: spread?.std, epoch: epoch, forkedAt: first.forkedFrom?.epoch)
        }.sorted { ($0.skip, $0.deputies ?? 0, $0.forkedAt ?? -1, $0.group) < ($1.skip, $1.deputies ?? 0, $1.forkedAt ?? -1, $1.group) }
    }

    /// The epoch every point is at, or nil when they differ (then each point names its own).
    public static func commonEpoch(_ points: [AblationPoint]) -> Int? {
        let epochs = Set(points.compactMap(\.epoch))
        return epochs.count == 1 ? epochs.first : nil
    }

    /// A line saying at which epochs the points stand, for captions: "all at epoch 20", or
    /// "not at one epoch: skip 11 (fork) at 1; skip 1 at 3".
    public static func epochNote(_ points: [AblationPoint]) -> String? {
        guard !points.isEmpty else { return nil }
        if let epoch = commonEpoch(points) { return "all at epoch \(epoch)" }
        let byEpoch = Dictionary(grouping: points.filter { $0.epoch != nil }) { $0.epoch ?? 0 }
        let parts = byEpoch.keys.sorted().map { epoch in
            let names = (byEpoch[epoch] ?? []).map(describe).joined(separator: ", ")
            return "\(names) at epoch \(epoch)"
        }
        return "not at one epoch: " + parts.joined(separator: "; ")
    }

    /// "skip 11 dep 9 (fork at 5)".
    public static func describe(_ point: AblationPoint) -> String {
        "skip \(point.skip)" + (point.deputies.map { " dep \($0)" } ?? "") + (point.forkedAt.map { " (fork at \($0))" } ?? "")
    }
}
