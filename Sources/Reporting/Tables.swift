import Foundation
import Vocabulary
import Evaluation

/// The tidy per-epoch CSV of many runs and the summary tables (CSV and Markdown).
public enum Tables {
    /// One row per run × epoch with the columns of `metrics.csv`.
    public static func tidyCSV(_ runs: [RunMetrics]) -> String {
        var text = runs.reduce(into: EpochMetrics.csvHeader) { text, run in
            text += EpochMetrics.csv(run.rows, run: run.run, method: run.method)
        }
        // The reference lines as rows of method "reference", with no epoch: each holds the
        // kNN and linear accuracy it stands for.
        let knn = Figures.referenceValues(runs, measure: .knn), linear = Figures.referenceValues(runs, measure: .linear)
        for (name, value) in knn {
            var cells = [String](repeating: "", count: EpochMetrics.columns.count)
            cells[0] = CSV.quote(name)
            cells[1] = "reference"
            if let i = EpochMetrics.columns.firstIndex(of: "knn_top1") { cells[i] = cell(value) }
            if let i = EpochMetrics.columns.firstIndex(of: "linear_top1") { cells[i] = cell(linear.first { $0.name == name }?.value) }
            text += cells.joined(separator: ",") + "\n"
        }
        return text
    }

    static func cell(_ value: Double?, _ digits: Int = 2) -> String {
        guard let value, value.isFinite else { return "" }
        return String(format: "%.\(digits)f", value)
    }

    /// A numeric summary column: its CSV name, Markdown heading, and digits.
    struct Column {
        let name: String, heading: String, digits: Int
        /// Whether the CSV also gets `<name>_std` when runs differ only in their seed.
        let withSpread: Bool
    }

    static let numericColumns: [Column] = [
        Column(name: "final_knn", heading: "final kNN %", digits: 2, withSpread: true),
        Column(name: "best_knn", heading: "best kNN %", digits: 2, withSpread: false),
        Column(name: "final_linear", heading: "final linear %", digits: 2, withSpread: true),
        Column(name: "class_divergence", heading: "class divergence", digits: 3, withSpread: true),
        Column(name: "pr_omega_analytic", heading: "Pr(ω|A) analytic", digits: 4, withSpread: false),
        Column(name: "pr_omega_measured", heading: "Pr(ω|A) measured", digits: 4, withSpread: true),
        Column(name: "knn_auc", heading: "kNN AUC %", digits: 2, withSpread: true),
    ] + LearningEfficiency.fractions.map {
        Column(name: "epochs_to_\(Int($0 * 100))pct_gap", heading: "epochs to \(Int($0 * 100)) % of gap", digits: 0, withSpread: false)
    }

    /// One summary row: a run, or the runs of a seed group (mean, sample std over the seeds).
    struct SummaryRow {
        var name: String, method: MethodKind, seeds: Int
        var means: [Double?], spreads: [Double?]
        var status: String
        /// The latest evaluated epochs of the members (lowest…highest): the row's values are theirs.
        var epochs: ClosedRange<Int>?
    }

    /// Summary rows: final figures, the clustering diagnostics and the learning efficiency
    /// (kNN), one per seed group.
    static func summaryRows(_ runs: [RunMetrics]) -> (goal: Double?, rows: [SummaryRow]) {
        let efficiency = LearningEfficiency.table(runs, measure: .knn)
        // By position, not by name: runs of different folders may share a name.
        let perRun: [[Double?]] = zip(runs, efficiency.rows).map { run, e in
            let last = run.last
            return [e.finalAccuracy, e.bestAccuracy, last?.linearTop1, last?.classDivergence, last?.prOmegaAnalytic,
                    last?.prOmegaMeasured, e.areaUnderCurve]
                + LearningEfficiency.fractions.map { f in e.epochsToFraction[f].map(Double.init) }
        }
        let groups = SeedSpread.groups(Array(runs.indices)) { runs[$0].group }
        let rows = groups.map { indices -> SummaryRow in
            let group = (name: indices.name, runs: indices.members.map { runs[$0] })
            let values = indices.members.map { perRun[$0] }
            var means: [Double?] = [], spreads: [Double?] = []
            for column in numericColumns.indices {
                let present = values.compactMap { column < $0.count ? $0[column] : nil }.filter(\.isFinite)
                // "Epochs to" counts only when every seed got there.
                let complete = present.count == group.runs.count
                guard !present.isEmpty, complete || numericColumns[column].digits > 0 else {
                    means.append(nil); spreads.append(nil); continue
                }
                let spread = SeedSpread.meanAndStd(present)
                means.append(spread?.mean)
                spreads.append(spread?.std)
            }
            let status = group.runs.compactMap { run in run.divergedAt.map { "\(run.run) diverged at epoch \($0)" } }
            let latest = group.runs.compactMap { $0.last?.epoch }
            return SummaryRow(name: group.runs.count > 1 ? group.name : group.runs[0].run, method: group.runs[0].method,
                              seeds: group.runs.count, means: means, spreads: spreads,
                              status: group.runs.count > 1 ? status.joined(separator: "; ")
                                  : (group.runs[0].divergedAt.map { "diverged at epoch \($0)" } ?? ""),
                              epochs: latest.min().flatMap { low in latest.max().map { low...$0 } })
        }
        return (efficiency.goal, rows)
    }

    static var summaryColumns: [String] {
        ["run", "method", "seeds"] + numericColumns.flatMap { $0.withSpread ? [$0.name, $0.name + "_std"] : [$0.name] } + ["epoch", "status"]
    }

    /// "3", or "1–3" when a group's runs are at different epochs.
    static func epochText(_ epochs: ClosedRange<Int>?) -> String {
        guard let epochs else { return "" }
        return epochs.count == 1 ? "\(epochs.lowerBound)" : "\(epochs.lowerBound)–\(epochs.upperBound)"
    }

    public static func summaryCSV(_ runs: [RunMetrics]) -> String {
        let rows = summaryRows(runs).rows.map { row -> [String] in
            var cells = [row.name, row.method.rawValue, "\(row.seeds)"]
            for (i, column) in numericColumns.enumerated() {
                cells.append(cell(row.means[i], column.digits == 0 && row.seeds > 1 ? 1 : column.digits))
                if column.withSpread { cells.append(cell(row.spreads[i], column.digits)) }
            }
            return cells + [epochText(row.epochs), row.status]
        }
        return ([summaryColumns] + rows).map { $0.map(CSV.quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    public static func summaryMarkdown(_ runs: [RunMetrics]) -> String {
        let (goal, rows) = summaryRows(runs)
        let header = ["run", "method", "seeds"] + numericColumns.map(\.heading) + ["epoch", "status"]
        var text = "| " + header.joined(separator: " | ") + " |\n"
        text += "|" + header.enumerated().map { $0.offset < 2 ? "---|" : "---:|" }.joined() + "\n"
        for row in rows {
            var cells = [row.name, row.method.rawValue, "\(row.seeds)"]
            for (i, column) in numericColumns.enumerated() {
                let digits = column.digits == 0 && row.seeds > 1 ? 1 : column.digits
                let mean = cell(row.means[i], digits)
                let spread = column.withSpread ? row.spreads[i].map { " ± " + cell($0, column.digits) } ?? "" : ""
                cells.append(mean.isEmpty ? "" : mean + spread)
            }
            cells.append(epochText(row.epochs))
            cells.append(row.status)
            text += "| " + cells.map { $0.isEmpty ? "—" : $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        if let goal {
            let source = runs.contains { $0.method == .supervised } ? "the supervised runs' mean final accuracy"
                : "no supervised run: the best run's final accuracy stands in"
            text += "\nGoal line: \(String(format: "%.2f", goal)) % kNN (\(source)). "
        }
        let epochs = Set(rows.compactMap(\.epochs))
        if epochs.count > 1 || epochs.contains(where: { $0.count > 1 }) {
            text += "Rows are not at one epoch: each row's values are those of its runs' latest evaluated epoch (column epoch). "
        }
        if let note = Figures.unfinishedNote(runs) { text += "Table " + note + ". " }
        text += "kNN AUC is the mean accuracy over the epochs (area under the curve / epochs); an empty "
            + "\"epochs to\" cell means the run never reached that fraction of the goal (with several seeds: "
            + "not every seed did). With several seeds a cell is the mean ± the sample standard deviation.\n"
        return text
    }
}
