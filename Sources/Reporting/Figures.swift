import Foundation
import Vocabulary
import Evaluation

/// The standard figures of a comparison, built from run metrics.
public enum Figures {
    /// Colours per run: by method, with further triplet settings taking the next palette
    /// entries, and a larger triplet sweep a ramp by skip (`sweepStyles`).
    static func colours(_ runs: [RunMetrics]) -> [String: Colour] {
        var result: [String: Colour] = [:]
        var used = Set<String>()
        let methodSlots = Set(MethodKind.allCases.compactMap(\.paletteSlot))
        var spare = Colour.palette.indices.filter { !methodSlots.contains($0) }.map { Colour.palette[$0] }
        var extra = 0
        for run in runs {
            let base = Colour.forMethod(run.method)
            if used.insert(base.hexString).inserted || run.method == .supervised {
                result[run.run] = base
            } else if !spare.isEmpty {
                result[run.run] = spare.removeFirst()
            } else {
                extra += 1
                result[run.run] = Colour.palette[extra % Colour.palette.count].lightened(0.35)
            }
        }
        for (run, style) in sweepStyles(runs) { result[run] = style.colour }
        return result
    }

    /// The triplet settings the palette tells apart: the triplet colour and the spare ones.
    static let paletteSweepLimit = 4

    /// For a triplet sweep with more settings than `paletteSweepLimit` (the truncation
    /// ablation's 20): each run's colour by its skip on a sequential ramp, dashed when it has
    /// fewer deputies than the most, so a curve's setting reads off its look. Empty otherwise.
    static func sweepStyles(_ runs: [RunMetrics]) -> [String: (colour: Colour, dashed: Bool)] {
        let sweep = runs.filter { $0.method == .triplet && $0.skip != nil }
        let settings = Set(sweep.map { [$0.skip ?? 0, $0.deputies ?? 0] })
        guard settings.count > paletteSweepLimit else { return [:] }
        let skips = Set(sweep.compactMap(\.skip)).sorted()
        let most = sweep.compactMap(\.deputies).max()
        var result: [String: (colour: Colour, dashed: Bool)] = [:]
        for run in sweep {
            let rank = skips.firstIndex(of: run.skip ?? 0) ?? 0
            let position = skips.count > 1 ? Double(rank) / Double(skips.count - 1) : 0
            result[run.run] = (Colour.ramp(position), run.deputies != most)
        }
        return result
    }

    /// The runs by seed group, in the order their first member appears.
    public static func seedGroups(_ runs: [RunMetrics]) -> [(name: String, runs: [RunMetrics])] {
        SeedSpread.groups(runs, key: \.group).map { ($0.name, $0.members) }
    }

    /// One series per seed group: a single run as it is; several seeds as the mean at
    /// each epoch with the min–max band over the seeds.
    static func series(_ runs: [RunMetrics], value: (EpochMetrics) -> Double?) -> [Series] {
        var groups = seedGroups(runs)
        let colours = colours(groups.compactMap(\.runs.first))
        let sweep = sweepStyles(groups.compactMap(\.runs.first))
        if !sweep.isEmpty {
            // The legend lists the sweep by deputies (most first), then by skip: two ramps.
            func order(_ run: RunMetrics?) -> (Int, Int) { (-(run?.deputies ?? 0), run?.skip ?? 0) }
            let swept = groups.filter { sweep[$0.runs.first?.run ?? ""] != nil }.sorted { order($0.runs.first) < order($1.runs.first) }
            groups = groups.filter { sweep[$0.runs.first?.run ?? ""] == nil } + swept
        }
        return groups.compactMap { group in
            guard let first = group.runs.first else { return nil }
            // A fork is drawn from the epoch it left its parent, so the two curves join.
            let spread = SeedSpread.perEpoch(group.runs.map { run in
                run.rows.filter { $0.epoch >= (run.forkedFrom?.epoch ?? 0) }.compactMap { row in value(row).map { (row.epoch, $0) } }
            })
            guard !spread.isEmpty else { return nil }
            let parentColour = first.forkedFrom.flatMap { fork in
                groups.first { g in g.runs.contains { $0.run == fork.parent } }.flatMap { g in g.runs.first.flatMap { colours[$0.run] } }
            }
            let colour = parentColour.map { $0.lightened(0.45) } ?? colours[first.run] ?? .black
            let dashed = first.method == .supervised || sweep[first.run]?.dashed == true
            let points = spread.map { (x: Double($0.epoch), y: $0.mean) }
            guard group.runs.count > 1 else { return Series(name: first.run, points: points, colour: colour, dashed: dashed) }
            let band = spread.map { (low: $0.low, high: $0.high) }
            return Series(name: "\(group.name) (\(group.runs.count) seeds)", points: points, colour: colour,
                          dashed: dashed, band: band)
        }
    }

    /// Accuracy against epoch for every run: the paper's Figure 1; supervised dashed, and
    /// the reference lines (raw pixels, random initialisation, supervised goal) dashed in grey.
    public static func accuracy(_ runs: [RunMetrics], measure: AccuracyMeasure, dataName: String,
                                evaluation: EvaluationProtocol? = nil) -> Figure {
        let curves = series(runs, value: measure.value)
        return Figure(title: "Learning curves on \(dataName) (\(measure == .knn ? "kNN" : "linear probe"))",
                      xLabel: "epoch", yLabel: measure.label, content: .lines(curves + referenceSeries(runs, measure: measure)),
                      caption: caption(runs, evaluation: evaluation))
    }

    /// The evaluation protocol in one line, and how seeds are drawn when there are several.
    static func caption(_ runs: [RunMetrics], evaluation: EvaluationProtocol?) -> String? {
        let seeded = seedGroups(runs).contains { $0.runs.count > 1 }
        let protocolLine = (evaluation ?? runs.lazy.compactMap(\.evaluation).first)?.caption
        let seedLine = seeded ? "lines: mean over seeds, bands: min–max" : nil
        let parts = [protocolLine, seedLine, unfinishedNote(runs)].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// The reference values of a comparison, by name: raw pixels and random initialisation
    /// (from the first run that saved them), and the supervised goal (the supervised runs'
    /// mean final accuracy).
    public static func referenceValues(_ runs: [RunMetrics], measure: AccuracyMeasure) -> [(name: String, value: Double)] {
        var result: [(String, Double)] = []
        let saved = runs.compactMap(\.references)
        if let pixels = saved.lazy.compactMap({ $0.pixels(measure) }).first { result.append(("raw pixels", pixels)) }
        // Seeds start from different weights: the line is their mean.
        let initial = saved.compactMap { $0.randomInit(measure) }
        if !initial.isEmpty { result.append(("random init", initial.reduce(0, +) / Double(initial.count))) }
        let goals = runs.filter { $0.method == .supervised }.compactMap { $0.last.flatMap(measure.value) }
        if !goals.isEmpty { result.append(("supervised goal", goals.reduce(0, +) / Double(goals.count))) }
        return result
    }

    /// The reference values as dashed grey levels across the epochs.
    static func referenceSeries(_ runs: [RunMetrics], measure: AccuracyMeasure) -> [Series] {
        let epochs = runs.flatMap { $0.rows.map(\.epoch) }
        guard let first = epochs.min(), let last = epochs.max(), last > first else { return [] }
        return referenceSeries(runs, measure: measure, from: Double(first), to: Double(last))
    }

    /// The reference values as dashed grey levels from `from` to `to` on the x axis.
    static func referenceSeries(_ runs: [RunMetrics], measure: AccuracyMeasure, from: Double, to: Double) -> [Series] {
        let shades: [String: Colour] = ["raw pixels": Colour(0.45, 0.45, 0.45), "random init": Colour(0.7, 0.7, 0.7),
                                        "supervised goal": Colour(0.25, 0.25, 0.25)]
        return referenceValues(runs, measure: measure).map { name, value in
            Series(name: "\(name) (\(String(format: "%.1f", value)))", points: [(from, value), (to, value)],
                   colour: shades[name] ?? .grey, dashed: true, isReference: true)
        }
    }

    /// Class divergence against epoch (under-clustering: larger is better).
    public static func divergence(_ runs: [RunMetrics]) -> Figure {
        Figure(title: "Class divergence (under-clustering; larger is better)", xLabel: "epoch",
               yLabel: "class divergence", content: .lines(series(runs, value: \.classDivergence)))
    }

    /// Measured Pr(ω|A) against epoch, with each run's analytic value as a dashed line. Runs
    /// whose analytic lines coincide (SimCLR, MoCo and triplet skip 1 are all 1.000 at this
    /// scale) share one grey line naming them, rather than hiding each other.
    public static func falseNegatives(_ runs: [RunMetrics]) -> Figure {
        let measured = series(runs.filter { $0.method != .supervised }, value: \.prOmegaMeasured)
        let colours = colours(seedGroups(runs).compactMap(\.runs.first))
        var analytic: [(names: [String], points: [(x: Double, y: Double)], colour: Colour)] = []
        for group in seedGroups(runs) {
            guard let run = group.runs.first else { continue }
            let points = run.rows.filter { $0.epoch > 0 }.compactMap { row in row.prOmegaAnalytic.map { (x: Double(row.epoch), y: $0) } }
            guard !points.isEmpty else { continue }
            if let level = flatLevel(points),
               let same = analytic.firstIndex(where: { flatLevel($0.points).map { abs($0 - level) < 1e-3 } ?? false }) {
                // One line over both spans.
                let xs = (analytic[same].points + points).map(\.x)
                analytic[same].names.append(group.name)
                analytic[same].points = [(x: xs.min() ?? 0, y: level), (x: xs.max() ?? 0, y: level)]
            } else {
                analytic.append(([group.name], points, (colours[run.run] ?? .black).lightened(0.3)))
            }
        }
        let lines = analytic.map { line in
            line.names.count == 1
                ? Series(name: line.names[0] + " (analytic)", points: line.points, colour: line.colour, dashed: true)
                : Series(name: sharedAnalyticName(line.names, level: line.points.first?.y ?? 0), points: line.points,
                         colour: .grey, dashed: true)
        }
        return Figure(title: "Pr(ω|A): negatives of the anchor's own class (over-clustering; smaller is better)",
                      xLabel: "epoch", yLabel: "Pr(ω|A)", content: .lines(measured + lines), yRange: 0...1)
    }

    /// "analytic: simclr, moco" for a few runs sharing an analytic line, "analytic 1.000 (6 runs)"
    /// when their names would crowd the legend.
    private static func sharedAnalyticName(_ names: [String], level: Double) -> String {
        let listed = "analytic: " + names.joined(separator: ", ")
        return names.count <= 3 && listed.count <= 48 ? listed : String(format: "analytic %.3f (%d runs)", level, names.count)
    }

    /// The value of a constant curve (to drawing precision), nil when it varies.
    private static func flatLevel(_ points: [(x: Double, y: Double)]) -> Double? {
        guard let first = points.first?.y else { return nil }
        return points.allSatisfy { abs($0.y - first) < 1e-4 } ? first : nil
    }

    /// Final accuracy against the truncation threshold for the triplet runs, one series per
    /// number of deputies, mean ± sample std over seeds as error bars, with the raw-pixel and
    /// random-init accuracies as dashed levels: which thresholds beat the baselines.
    public static func ablation(_ runs: [RunMetrics], measure: AccuracyMeasure) -> Figure? {
        let points = Ablation.points(runs, value: measure.value)
        let series = ablationSeries(points)
        let skips = series.flatMap { $0.points.map(\.x) }
        guard let first = skips.min(), let last = skips.max() else { return nil }
        let levels = last > first ? referenceSeries(runs, measure: measure, from: first, to: last) : []
        let at = Ablation.commonEpoch(points).map { "at epoch \($0)" } ?? "at each setting's latest epoch"
        var figure = Figure(title: "Truncation ablation: accuracy against skip \(at)", xLabel: "skip (ranked negatives dropped)",
                            yLabel: measure.label, content: .lines(series + levels), markers: true,
                            caption: ablationCaption(points, runs: runs))
        shadePrediction(&figure, runs: runs)
        return figure
    }

    /// The binomial bound's predicted range of skips for the triplet runs' class count and
    /// batch (when they share one), shaded, and said in the caption.
    static func shadePrediction(_ figure: inout Figure, runs: [RunMetrics]) {
        guard let prediction = truncationPrediction(runs) else { return }
        figure.shadedX = Double(prediction.range.lowerBound)...Double(prediction.range.upperBound)
        let note = "shaded: skips where P[Bin(\(prediction.candidates), 1/\(prediction.classes)) ≥ skip+1] falls from 0.9 to 0.1 "
            + "(\(prediction.range.lowerBound)–\(prediction.range.upperBound)), ½ at skip \(prediction.skip)"
        figure.caption = [figure.caption, note].compactMap { $0 }.joined(separator: "; ")
    }

    /// The prediction for the triplet runs' class count and batch; nil unless all agree.
    public static func truncationPrediction(_ runs: [RunMetrics]) -> TruncationPrediction? {
        let triplets = runs.filter { $0.method == .triplet && $0.skip != nil }
        let settings = Set(triplets.map { [$0.classNames.count, $0.batch ?? 0] })
        guard settings.count == 1, let only = settings.first, let prediction = TruncationPrediction(classes: only[0], batch: only[1]) else {
            return nil
        }
        return prediction
    }

    /// Measured Pr(ω|A) against the truncation threshold, beside the analytic
    /// P[Binomial(M, 1/C) ≥ skip+1] of each skip.
    public static func ablationFalseNegatives(_ runs: [RunMetrics]) -> Figure? {
        let points = Ablation.points(runs, value: \.prOmegaMeasured)
        var series = ablationSeries(points)
        guard !series.isEmpty else { return nil }
        let analytic = Dictionary(grouping: runs.filter { $0.method == .triplet && $0.skip != nil }) { $0.skip ?? 0 }
            .compactMap { skip, group in group.first?.last?.prOmegaAnalytic.map { (x: Double(skip), y: $0) } }
            .sorted { $0.x < $1.x }
        if !analytic.isEmpty {
            series.append(Series(name: "analytic P[Bin(M, 1/C) ≥ skip+1]", points: analytic, colour: .grey, dashed: true))
        }
        let at = Ablation.commonEpoch(points).map { "epoch \($0)" } ?? "latest epoch"
        var figure = Figure(title: "Truncation ablation: Pr(ω|A) against skip", xLabel: "skip (ranked negatives dropped)",
                            yLabel: "Pr(ω|A) measured (\(at))", content: .lines(series), yRange: 0...1, markers: true,
                            caption: ablationCaption(points, runs: runs))
        shadePrediction(&figure, runs: runs)
        return figure
    }

    /// At which epochs the points stand when they differ, and whether runs were unfinished.
    static func ablationCaption(_ points: [AblationPoint], runs: [RunMetrics]) -> String? {
        let epochs = Ablation.commonEpoch(points) == nil ? Ablation.epochNote(points) : nil
        let parts = [epochs, unfinishedNote(runs)].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// "made while 2 of 5 runs were unfinished, read at epochs 3–5 of 10", or nil when all
    /// ended (or it is unknown): a figure of runs in progress says how far they were.
    public static func unfinishedNote(_ runs: [RunMetrics]) -> String? {
        let unfinished = runs.filter { $0.finished == false }
        guard !unfinished.isEmpty else { return nil }
        var note = "made while \(unfinished.count) of \(runs.count) runs were unfinished"
        let read = unfinished.compactMap { $0.rows.last?.epoch }
        if let low = read.min(), let high = read.max() {
            note += low == high ? ", read at epoch \(low)" : ", read at epochs \(low)–\(high)"
            let planned = Set(unfinished.compactMap(\.plannedEpochs))
            if planned.count == 1, let total = planned.first, read.count == unfinished.count { note += " of \(total)" }
        }
        return note
    }

    /// One series per deputies setting (forks apart, per fork epoch), a point per skip.
    static func ablationSeries(_ points: [AblationPoint]) -> [Series] {
        struct Key: Hashable { var deputies: Int, forkedAt: Int? }
        let byKey = Dictionary(grouping: points.filter { $0.mean != nil }) { Key(deputies: $0.deputies ?? 0, forkedAt: $0.forkedAt) }
        let colours = [Colour.forMethod(.triplet), Colour.palette[4], Colour.palette[5], Colour.palette[0]]
        let keys = byKey.keys.sorted { ($0.forkedAt ?? -1, -$0.deputies) < ($1.forkedAt ?? -1, -$1.deputies) }
        return keys.enumerated().compactMap { index, key in
            let members = (byKey[key] ?? []).sorted { $0.skip < $1.skip }
            guard !members.isEmpty else { return nil }
            let seeds = members.map(\.seeds).max() ?? 1
            let deputies = key.deputies
            let name = (deputies > 0 ? "\(deputies) deput\(deputies == 1 ? "y" : "ies")" : "triplet")
                + (key.forkedAt.map { ", forks from epoch \($0)" } ?? "")
                + (seeds > 1 ? " (mean ± std of \(seeds) seeds)" : "")
            let colour = key.forkedAt == nil ? colours[index % colours.count] : colours[index % colours.count].lightened(0.35)
            return Series(name: name, points: members.map { (Double($0.skip), $0.mean ?? 0) }, colour: colour,
                          dashed: key.forkedAt != nil, errors: members.map { $0.std ?? 0 })
        }
    }

    /// Distances between class centres of a run's final representations.
    /// Classes a heat map shows at most: beyond this its cells are too small to read and
    /// drawing them takes minutes (2,000 classes are 4 million cells).
    public static let heatMapClassLimit = 40

    public static func centreHeatMap(_ run: RunMetrics) -> Figure? {
        let n = run.classNames.count
        guard let values = run.centreDistances, n > 0, values.count == n * n else { return nil }
        guard n > heatMapClassLimit else {
            return Figure(title: "Class-centre distances: \(run.run)", xLabel: "class", yLabel: "class",
                          content: .heatMap(values: values, labels: run.classNames))
        }
        // The classes whose centres lie nearest another class's: where the network confuses classes.
        let nearest = (0..<n).map { r in (0..<n).filter { $0 != r }.map { values[r * n + $0] }.min() ?? 0 }
        let shown = (0..<n).sorted { (nearest[$0], $0) < (nearest[$1], $1) }.prefix(heatMapClassLimit).sorted()
        let subset = shown.flatMap { r in shown.map { values[r * n + $0] } }
        return Figure(title: "Class-centre distances: \(run.run) (\(shown.count) of \(n) classes, those nearest another)",
                      xLabel: "class", yLabel: "class", content: .heatMap(values: subset, labels: shown.map { run.classNames[$0] }))
    }
}
