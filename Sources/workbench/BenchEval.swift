import Evaluation
import ArgumentParser
import Foundation
import TensorCore
import Trainer
import Vocabulary

/// `workbench bench-eval`: times the end-of-epoch evaluation part by part (forward passes,
/// kNN, linear probe, diagnostics), at a run's latest checkpoint or at random initialisation,
/// and optionally shows how the probe's accuracy moves with its iteration budget.
struct BenchEval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-eval",
        abstract: "Time the end-of-epoch evaluation part by part (default: fmnist-20k, mlp at initialisation).")

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "The method whose networks are evaluated at initialisation.") var method: MethodKind = .simclr
    @Option(help: "mlp or convnet.") var backbone: Backbone = .mlp
    @Option(name: .customLong("run"), help: ArgumentHelp("A run folder: evaluate its latest checkpoint on its own data set (instead of --data, --method, --backbone).",
                                                         valueName: "RUN_DIR"))
    var runFolder: String?
    @Option(help: "Timed evaluations (after one warm-up); the median of each part is reported.") var repeats = 3
    @Option(help: ArgumentHelp("Also fit the linear probe with each of these iteration caps (comma-separated) and print its accuracy, iterations and seconds.",
                               valueName: "N,N,…"))
    var probeIterations: String?
    @Option(name: .customLong("probe-warm-from"), help: ArgumentHelp("With --probe-iterations: start each fit from the probe fitted to convergence on this run folder's representations (for example the same run an epoch earlier), not from zero.",
                                                                     valueName: "RUN_DIR"))
    var probeWarmFrom: String?
    @Flag(name: .customLong("probe-plain"), help: "With --probe-iterations: fit with plain L-BFGS (no preconditioner), as builds before 2026-12-04 did.")
    var probePlain = false
    @Option(name: .customLong("probe-tolerance"), help: ArgumentHelp("With --probe-iterations: stop each fit when the largest gradient entry is below this (default: the protocol's, 1e-4).", valueName: "TOL"))
    var probeTolerance: Double?

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        if let caps = probeIterations {
            guard !probeCaps(caps).isEmpty, probeCaps(caps).allSatisfy({ $0 >= 1 }),
                  caps.split(separator: ",").count == probeCaps(caps).count else {
                throw ValidationError("--probe-iterations takes positive whole numbers separated by commas, not \"\(caps)\"")
            }
        }
        if let probeTolerance, !(probeTolerance > 0 && probeTolerance.isFinite) {
            throw ValidationError("--probe-tolerance must be positive, got \(probeTolerance)")
        }
        if (probeWarmFrom != nil || probePlain || probeTolerance != nil), probeIterations == nil {
            throw ValidationError("--probe-warm-from, --probe-plain and --probe-tolerance go with --probe-iterations")
        }
    }

    private func probeCaps(_ text: String) -> [Int] { text.split(separator: ",").compactMap { Int($0) } }

    func run() throws {
        try configureThreads()
        let subject = try self.subject()
        var all: [EvaluationTimings] = []
        var row = EpochMetrics(epoch: 0)
        for round in 0...repeats {
            var timings = EvaluationTimings()
            row = EpochMetrics(epoch: 0)
            subject.evaluate(&row, &timings)
            if round > 0 { all.append(timings) }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        print("evaluation of \(subject.name), \(BLAS.threadCount) \(BLAS.library) threads (\(BLAS.coreName)), median of \(repeats) after a warm-up")
        let total = median(all.map(\.total))
        for (index, part) in all[0].parts.enumerated() {
            let seconds = median(all.map { $0.parts[index].seconds })
            print(part.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(format: "%7.3f s  %5.1f %%", seconds, 100 * seconds / max(total, 1e-12)))
        }
        print("total".padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%7.3f s", total))
        print(String(format: "linear probe: %d L-BFGS iterations, %d objective evaluations; kNN %.2f %%, linear %.2f %%",
                     all[0].probeIterations, all[0].probeEvaluations, row.knnTop1 ?? Double.nan, row.linearTop1 ?? Double.nan))
        if let caps = probeIterations { try traceProbe(caps: probeCaps(caps), subject: subject) }
    }

    /// The probe fitted with each cap (from zero, or warm from another run's converged fit).
    private func traceProbe(caps: [Int], subject: Subject) throws {
        func probe(cap: Int) -> LinearProbe {
            LinearProbe(iterations: cap, tolerance: probeTolerance ?? LinearProbe().tolerance, preconditioned: !probePlain)
        }
        let (train, test, dimension) = subject.representations()
        let data = subject.data
        var start: LinearProbe.Model?
        if let path = probeWarmFrom {
            let other = try openTrainedRun(path)
            guard other.data.checksum == data.checksum else { throw CommandFailure("\(path): was trained on other data than \(subject.name)") }
            let rows = other.run.representations()
            let fit = probe(cap: 100_000).evaluate(train: rows.train, trainLabels: data.train.labels, test: rows.test,
                                                                testLabels: data.test.labels, dimension: rows.dimension, classCount: data.classCount)
            start = fit.model
            print(String(format: "warm start: the probe of %@ fitted to convergence, %d iterations, %.2f %%", path, fit.iterations, fit.accuracy))
        }
        print("cap  accuracy %  iterations  evaluations  seconds  (\(start == nil ? "from zero" : "warm"), \(probe(cap: caps.max() ?? 0).description))")
        for cap in caps {
            let started = DispatchTime.now().uptimeNanoseconds
            let fit = probe(cap: cap).evaluate(train: train, trainLabels: data.train.labels, test: test, testLabels: data.test.labels,
                                                            dimension: dimension, classCount: data.classCount, start: start)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            print(String(format: "%-5d %10.2f  %10d  %11d  %7.2f", cap, fit.accuracy, fit.iterations, fit.evaluations, seconds))
        }
    }

    /// What is evaluated: its name, its data, and closures evaluating it and giving its representations.
    private struct Subject {
        let name: String
        let data: Dataset
        let evaluate: (inout EpochMetrics, inout EvaluationTimings) -> Void
        let representations: () -> (train: [Float], test: [Float], dimension: Int)
    }

    private func subject() throws -> Subject {
        if let path = runFolder {
            let (run, data) = try openTrainedRun(path)
            return Subject(name: "\(run.config.name) at epoch \(run.nextEpoch - 1) on \(data.name)", data: data,
                           evaluate: { run.evaluateAgain(into: &$0, timings: &$1) }, representations: run.representations)
        }
        let data = try dataOptions.load()
        var rng = RandomGenerator(seed: 0)
        let networks = MethodFactory.make(method, settings: MethodSettings(), backbone: backbone, imageSide: data.side,
                                          channels: data.channels, classCount: data.classCount, rng: &rng)
        let evaluator = Evaluator(data: data, augmenter: Augmenter(backbone: backbone, data: data))
        let dimension = backbone.representationSize
        return Subject(name: "\(method.rawValue), \(backbone.rawValue) at initialisation on \(data.name)", data: data,
                       evaluate: { row, timings in
                           evaluator.evaluate(networks.backbone, projector: networks.projector, dimension: dimension,
                                              into: &row, timings: &timings)
                       },
                       representations: {
                           let input = Tensor(shape: [0, 0])
                           return (evaluator.representations(of: networks.backbone, set: data.train, input: input),
                                   evaluator.representations(of: networks.backbone, set: data.test, input: input), dimension)
                       })
    }
}
