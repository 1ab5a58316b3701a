import Foundation
import Vocabulary
import Evaluation

/// How fast each run learns, measured against the supervised goal line.
public struct EfficiencyRow: Sendable {
    public var run: String
    public var method: MethodKind
    public var finalAccuracy: Double?
    public var bestAccuracy: Double?
    /// First epoch at which the run has closed each fraction of the gap between its own
    /// epoch-0 accuracy (the network at random initialisation) and the goal (nil: never).
    /// Measured on the gap, not on the goal itself, because an untrained network already
    /// sits at 90 % or more of the goal on Fashion-MNIST.
    public var epochsToFraction: [Double: Int]
    /// Mean accuracy over epochs 0…last (the area under the curve divided by its length).
    public var areaUnderCurve: Double?
}

public enum LearningEfficiency {
    public static let fractions: [Double] = [0.25, 0.5, 0.75]

    /// One row per run. The goal is the final accuracy of the supervised run (the best one
    /// when there are several); without one, the best final accuracy of all runs.
    public static func table(_ runs: [RunMetrics], measure: AccuracyMeasure) -> (goal: Double?, rows: [EfficiencyRow]) {
        let supervised = runs.filter { $0.method == .supervised }.compactMap { $0.last.flatMap(measure.value) }
        // The goal: the supervised runs' mean final accuracy (over seeds), else the best run's.
        let goal = supervised.isEmpty ? runs.compactMap { $0.last.flatMap(measure.value) }.max()
            : supervised.reduce(0, +) / Double(supervised.count)
        let rows = runs.map { run -> EfficiencyRow in
            let points = run.rows.compactMap { row in measure.value(row).map { (epoch: row.epoch, value: $0) } }
            var reached: [Double: Int] = [:]
            if let goal, let start = points.first?.value, goal > start {
                for f in fractions { reached[f] = points.first { $0.value >= start + f * (goal - start) }?.epoch }
            }
            var area: Double?
            if points.count >= 2, let first = points.first, let last = points.last, last.epoch > first.epoch {
                var sum = 0.0
                for (a, b) in zip(points, points.dropFirst()) { sum += Double(b.epoch - a.epoch) * (a.value + b.value) / 2 }
                area = sum / Double(last.epoch - first.epoch)
            }
            return EfficiencyRow(run: run.run, method: run.method, finalAccuracy: points.last?.value,
                                 bestAccuracy: points.map(\.value).max(), epochsToFraction: reached, areaUnderCurve: area)
        }
        return (goal, rows)
    }
}
