import Foundation

/// The standard figures of a comparison, built from run metrics.
public enum Figures {
    /// Colours per run: by method, with further triplet settings taking the next palette
    /// entries so that a sweep stays readable.
    static func colours(_ runs: [RunMetrics]) -> [String: Colour] {
        var result: [String: Colour] = [:]
        var used = Set<String>()
        var spare = Colour.palette.filter { c in !["simclr", "moco", "byol", "triplet"].contains { Colour.forMethod($0) == c } }
        var extra = 0
        for run in runs {
            let base = Colour.forMethod(run.method)
            if used.insert(base.hexString).inserted || run.method == "supervised" {
                result[run.run] = base
            } else if !spare.isEmpty {
                result[run.run] = spare.removeFirst()
            } else {
                extra += 1
                result[run.run] = Colour.palette[extra % Colour.palette.count].lightened(0.35)
            }
        }
        return result
    }

    static func series(_ runs: [RunMetrics], value: (EpochMetrics) -> Double?) -> [Series] {
        let colours = colours(runs)
        return runs.compactMap { run in
            let points = run.rows.compactMap { row in value(row).map { (x: Double(row.epoch), y: $0) } }
            guard !points.isEmpty else { return nil }
            return Series(name: run.run, points: points, colour: colours[run.run] ?? .black, dashed: run.method == "supervised")
        }
    }

    /// Accuracy against epoch for every run: the paper's Figure 1; supervised dashed.
    public static func accuracy(_ runs: [RunMetrics], measure: AccuracyMeasure, dataName: String) -> Figure {
        Figure(title: "Learning curves on \(dataName) (\(measure == .knn ? "kNN" : "linear probe"))",
               xLabel: "epoch", yLabel: measure.label, content: .lines(series(runs, value: measure.value)))
    }

    /// Class divergence against epoch (under-clustering: larger is better).
    public static func divergence(_ runs: [RunMetrics]) -> Figure {
        Figure(title: "Class divergence (under-clustering; larger is better)", xLabel: "epoch",
               yLabel: "class divergence", content: .lines(series(runs, value: \.classDivergence)))
    }

    /// Measured Pr(ω|A) against epoch, with each run's analytic value as a dashed line.
    public static func falseNegatives(_ runs: [RunMetrics]) -> Figure {
        let measured = series(runs.filter { $0.method != "supervised" }, value: \.prOmegaMeasured)
        let colours = colours(runs)
        let analytic = runs.compactMap { run -> Series? in
            let points = run.rows.filter { $0.epoch > 0 }.compactMap { row in row.prOmegaAnalytic.map { (x: Double(row.epoch), y: $0) } }
            guard !points.isEmpty else { return nil }
            return Series(name: run.run + " (analytic)", points: points, colour: (colours[run.run] ?? .black).lightened(0.3), dashed: true)
        }
        return Figure(title: "Pr(ω|A): negatives of the anchor's own class (over-clustering; smaller is better)",
                      xLabel: "epoch", yLabel: "Pr(ω|A)", content: .lines(measured + analytic), yRange: 0...1)
    }

    /// Final accuracy against the truncation threshold for the triplet runs, mean ± std over seeds.
    public static func ablation(_ runs: [RunMetrics], measure: AccuracyMeasure) -> Figure? {
        let triplets = runs.filter { $0.method == "triplet" && $0.skip != nil }
        guard !triplets.isEmpty else { return nil }
        let grouped = Dictionary(grouping: triplets) { $0.skip ?? 0 }
        var points: [(x: Double, y: Double)] = [], errors: [Double] = []
        var measured: [(x: Double, y: Double)] = []
        for skip in grouped.keys.sorted() {
            let finals = grouped[skip, default: []].compactMap { $0.last.flatMap(measure.value) }
            guard !finals.isEmpty else { continue }
            let mean = finals.reduce(0, +) / Double(finals.count)
            let std = finals.count > 1
                ? (finals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(finals.count - 1)).squareRoot() : 0
            points.append((Double(skip), mean))
            errors.append(std)
            let pr = grouped[skip, default: []].compactMap { $0.last?.prOmegaMeasured }
            if !pr.isEmpty { measured.append((Double(skip), pr.reduce(0, +) / Double(pr.count))) }
        }
        let series = [Series(name: "final \(measure == .knn ? "kNN" : "linear") accuracy", points: points,
                             colour: Colour.forMethod("triplet"), errors: errors)]
        return Figure(title: "Truncation ablation: final accuracy against skip", xLabel: "skip (ranked negatives dropped)",
                      yLabel: measure.label, content: .lines(series), markers: true)
    }

    /// Distances between class centres of a run's final representations.
    public static func centreHeatMap(_ run: RunMetrics) -> Figure? {
        guard let values = run.centreDistances, !run.classNames.isEmpty, values.count == run.classNames.count * run.classNames.count else {
            return nil
        }
        return Figure(title: "Class-centre distances: \(run.run)", xLabel: "class", yLabel: "class",
                      content: .heatMap(values: values, labels: run.classNames))
    }
}
