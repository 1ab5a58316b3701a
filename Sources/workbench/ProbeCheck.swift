import Evaluation
import Foundation
import Trainer
import Vocabulary

/// `--check-probe`: after every probed epoch, the probe fitted again from zero by plain
/// L-BFGS to the tolerance of older builds (1e-5), beside the accuracy the run recorded, in
/// `probe-check.csv` in the run's folder. Slow (about a thousand iterations per epoch on
/// fmnist-20k); it shows that the run's faster, warm-started probe reaches the same optimum.
struct ProbeCheck {
    static let reference = LinearProbe(iterations: 100_000, tolerance: 1e-5, preconditioned: false)
    static let header = "epoch,recorded_linear_top1,from_zero_linear_top1,difference,from_zero_iterations,from_zero_seconds"
    private var lines: [String: [String]] = [:]

    /// Fits the reference probe on `run`'s current representations and rewrites its file.
    mutating func check(_ run: TrainingRun, row: EpochMetrics) {
        guard let recorded = row.linearTop1 else { return }
        let started = Date()
        let rows = run.representations()
        let fit = Self.reference.evaluate(train: rows.train, trainLabels: run.data.train.labels, test: rows.test,
                                          testLabels: run.data.test.labels, dimension: rows.dimension, classCount: run.data.classCount)
        let seconds = Date().timeIntervalSince(started)
        let path = run.folder.path + "/probe-check.csv"
        lines[path, default: [Self.header]].append(String(format: "%d,%.2f,%.2f,%.2f,%d,%.2f", row.epoch, recorded, fit.accuracy,
                                                          recorded - fit.accuracy, fit.iterations, seconds))
        do { try AtomicFile.write(lines[path, default: []].joined(separator: "\n") + "\n", to: path) } catch {
            FileHandle.standardError.write(Data("workbench: \(error)\n".utf8))
        }
    }
}
