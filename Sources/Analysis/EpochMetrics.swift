import Foundation

/// One row of `metrics.csv`: a run's state after an epoch (epoch 0: before training).
/// Values not measured are nil and written as empty cells.
public struct EpochMetrics: Sendable, Equatable {
    public var epoch: Int
    public var loss: Double?
    /// Accuracies in percent.
    public var knnTop1: Double?
    public var linearTop1: Double?
    public var classDivergence: Double?
    public var prOmegaAnalytic: Double?
    public var prOmegaMeasured: Double?
    public var imagesPerSecond: Double?
    /// Seconds since the run started (training and evaluation, summed over resumes).
    public var wallSeconds: Double?

    public init(epoch: Int) { self.epoch = epoch }

    /// The CSV header, in column order.
    public static let columns = ["run", "method", "epoch", "loss", "knn_top1", "linear_top1", "class_divergence",
                                 "pr_omega_analytic", "pr_omega_measured", "images_per_s", "wall_s"]
    /// The columns that depend on the machine's speed, not on the computation.
    public static let timingColumns: Set<String> = ["images_per_s", "wall_s"]

    /// The row's cells after `run` and `method`.
    public var cells: [String] {
        func format(_ value: Double?, _ digits: Int) -> String {
            guard let value, value.isFinite else { return "" }
            return String(format: "%.\(digits)f", value)
        }
        return ["\(epoch)", format(loss, 6), format(knnTop1, 2), format(linearTop1, 2), format(classDivergence, 4),
                format(prOmegaAnalytic, 6), format(prOmegaMeasured, 6), format(imagesPerSecond, 1), format(wallSeconds, 2)]
    }

    /// Parses the cells after `run` and `method`; nil when malformed.
    public init?(cells: [Substring]) {
        guard cells.count == 9, let epoch = Int(cells[0]) else { return nil }
        func value(_ i: Int) -> Double? { cells[i].isEmpty ? nil : Double(cells[i]) }
        self.epoch = epoch
        loss = value(1); knnTop1 = value(2); linearTop1 = value(3); classDivergence = value(4)
        prOmegaAnalytic = value(5); prOmegaMeasured = value(6); imagesPerSecond = value(7); wallSeconds = value(8)
    }
}
