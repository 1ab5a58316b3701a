import Foundation
import Vocabulary

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
    /// True on the row of an epoch whose loss stopped being finite; that epoch was not
    /// evaluated, and the run ended there.
    public var diverged = false
    /// Collapse alarms on the test representations (see `RepresentationHealth`), and the
    /// same on the projector's output (the embedding the loss sees, where collapse shows first).
    public var repStd: Double?
    public var effectiveRank: Double?
    public var embeddingStd: Double?
    public var embeddingRank: Double?
    /// Seconds the epoch spent training, and evaluating (one forward pass over both splits,
    /// kNN by blocked sgemm, linear probe, diagnostics).
    public var trainSeconds: Double?
    public var evalSeconds: Double?
    /// The representations collapsed (see `RepresentationHealth.isCollapsed`).
    public var collapsed = false

    public init(epoch: Int) { self.epoch = epoch }

    /// The CSV header, in column order. New columns are appended at the end, and readers
    /// find cells by name, so files written before a column existed still load.
    public static let columns = ["run", "method", "epoch", "loss", "knn_top1", "linear_top1", "class_divergence",
                                 "pr_omega_analytic", "pr_omega_measured", "images_per_s", "wall_s", "status",
                                 "rep_std", "effective_rank", "alarm", "embedding_std", "embedding_rank", "train_s", "eval_s"]
    /// The columns that depend on the machine's speed, not on the computation.
    public static let timingColumns: Set<String> = ["images_per_s", "wall_s", "train_s", "eval_s"]

    /// The row's cells after `run` and `method`. A non-finite value is written as `nan`,
    /// `inf` or `-inf` (as a diverged loss is), which CSV readers such as Python's accept.
    public var cells: [String] {
        func format(_ value: Double?, _ digits: Int) -> String {
            guard let value else { return "" }
            if value.isNaN { return "nan" }
            if value.isInfinite { return value > 0 ? "inf" : "-inf" }
            return String(format: "%.\(digits)f", value)
        }
        return ["\(epoch)", format(loss, 6), format(knnTop1, 2), format(linearTop1, 2), format(classDivergence, 4),
                format(prOmegaAnalytic, 6), format(prOmegaMeasured, 6), format(imagesPerSecond, 1), format(wallSeconds, 2),
                diverged ? "diverged" : "ok", format(repStd, 5), format(effectiveRank, 2),
                collapsed ? "collapse" : "", format(embeddingStd, 5), format(embeddingRank, 2),
                format(trainSeconds, 2), format(evalSeconds, 2)]
    }

    /// The whole `metrics.csv` text of one run: the header and a row per epoch.
    public static func csv(_ rows: [EpochMetrics], run: String, method: MethodKind) -> String {
        rows.reduce(into: "") { text, row in
            text += ([CSV.quote(run), CSV.quote(method.rawValue)] + row.cells).joined(separator: ",") + "\n"
        }
    }

    /// The header line of `csv`.
    public static var csvHeader: String { columns.joined(separator: ",") + "\n" }
}

/// Reads metrics rows by column name, so that files from older versions (fewer columns)
/// load with the missing values nil, and columns it does not know are ignored.
public struct EpochMetricsReader: Sendable {
    private let index: [String: Int]
    private let width: Int

    /// Nil when the header lacks one of `run`, `method` and `epoch`.
    public init?(header: [String]) {
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() where index[name] == nil { index[name] = i }
        guard index["run"] != nil, index["method"] != nil, index["epoch"] != nil else { return nil }
        self.index = index
        width = header.count
    }

    /// The row's metrics; nil when it has the wrong number of cells or an unreadable number.
    /// A value that is not finite (`nan`, `inf`) is read as missing, so that no screen, figure
    /// or table meets one from a file; only a diverged row keeps its non-finite loss, which is
    /// what it records.
    public func read(_ row: [String]) -> EpochMetrics? {
        guard row.count == width, let epochCell = cell("epoch", row), let epoch = Int(epochCell), epoch >= 0 else { return nil }
        var metrics = EpochMetrics(epoch: epoch)
        var malformed = false
        func number(_ name: String) -> Double? {
            guard let text = cell(name, row), !text.isEmpty else { return nil }
            guard let number = Double(text) else { malformed = true; return nil }
            return number
        }
        func value(_ name: String) -> Double? { number(name).flatMap { $0.isFinite ? $0 : nil } }
        metrics.diverged = cell("status", row) == "diverged"
        metrics.loss = metrics.diverged ? number("loss") : value("loss")
        metrics.knnTop1 = value("knn_top1")
        metrics.linearTop1 = value("linear_top1")
        metrics.classDivergence = value("class_divergence")
        metrics.prOmegaAnalytic = value("pr_omega_analytic")
        metrics.prOmegaMeasured = value("pr_omega_measured")
        metrics.imagesPerSecond = value("images_per_s")
        metrics.wallSeconds = value("wall_s")
        metrics.repStd = value("rep_std")
        metrics.effectiveRank = value("effective_rank")
        metrics.embeddingStd = value("embedding_std")
        metrics.embeddingRank = value("embedding_rank")
        metrics.trainSeconds = value("train_s")
        metrics.evalSeconds = value("eval_s")
        switch cell("alarm", row) {
        case nil, "": break
        case "collapse": metrics.collapsed = true
        default: malformed = true
        }
        switch cell("status", row) {
        case nil, "", "ok": break
        case "diverged": metrics.diverged = true
        default: malformed = true
        }
        return malformed ? nil : metrics
    }

    private func cell(_ name: String, _ row: [String]) -> String? { index[name].map { row[$0] } }
}
