import Foundation

/// The tidy per-epoch CSV of many runs and the summary tables (CSV and Markdown).
public enum Tables {
    /// One row per run × epoch with the columns of `metrics.csv`.
    public static func tidyCSV(_ runs: [RunMetrics]) -> String {
        runs.reduce(into: EpochMetrics.csvHeader) { text, run in text += EpochMetrics.csv(run.rows, run: run.run, method: run.method) }
    }

    static func cell(_ value: Double?, _ digits: Int = 2) -> String {
        guard let value, value.isFinite else { return "" }
        return String(format: "%.\(digits)f", value)
    }

    static let summaryColumns = ["run", "method", "final_knn", "best_knn", "final_linear", "class_divergence",
                                 "pr_omega_analytic", "pr_omega_measured", "knn_auc"]
        + LearningEfficiency.fractions.map { "epochs_to_\(Int($0 * 100))pct_goal" } + ["status"]

    /// Summary rows: final figures, the clustering diagnostics and the learning efficiency (kNN).
    static func summaryRows(_ runs: [RunMetrics]) -> (goal: Double?, rows: [[String]]) {
        let efficiency = LearningEfficiency.table(runs, measure: .knn)
        let rows = zip(runs, efficiency.rows).map { run, e -> [String] in
            let last = run.last
            return [run.run, run.method, cell(e.finalAccuracy), cell(e.bestAccuracy), cell(last?.linearTop1),
                    cell(last?.classDivergence, 3), cell(last?.prOmegaAnalytic, 4), cell(last?.prOmegaMeasured, 4),
                    cell(e.areaUnderCurve)]
                + LearningEfficiency.fractions.map { f in e.epochsToFraction[f].map(String.init) ?? "" }
                + [run.divergedAt.map { "diverged at epoch \($0)" } ?? ""]
        }
        return (efficiency.goal, rows)
    }

    public static func summaryCSV(_ runs: [RunMetrics]) -> String {
        let rows = summaryRows(runs).rows
        return ([summaryColumns] + rows).map { $0.map(CSV.quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    public static func summaryMarkdown(_ runs: [RunMetrics]) -> String {
        let (goal, rows) = summaryRows(runs)
        let header = ["run", "method", "final kNN %", "best kNN %", "final linear %", "class divergence",
                      "Pr(ω|A) analytic", "Pr(ω|A) measured", "kNN AUC %"]
            + LearningEfficiency.fractions.map { "epochs to \(Int($0 * 100)) % of goal" } + ["status"]
        var text = "| " + header.joined(separator: " | ") + " |\n"
        text += "|" + header.enumerated().map { $0.offset < 2 ? "---|" : "---:|" }.joined() + "\n"
        for row in rows {
            text += "| " + row.map { $0.isEmpty ? "—" : $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        if let goal {
            text += "\nGoal line: \(String(format: "%.2f", goal)) % kNN (the supervised run's final accuracy). "
        }
        text += "kNN AUC is the mean accuracy over the epochs (area under the curve / epochs); an empty "
            + "\"epochs to\" cell means the run never reached that fraction of the goal.\n"
        return text
    }
}
