import ArgumentParser
import Foundation
import TensorCore
import Trainer
import Vocabulary

/// `workbench bench-step`: times one training step of the reference workloads.
struct BenchStep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-step",
        abstract: "Time the real training step of a method (BYOL, batch 256 by default), split into its phases.")

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "simclr, moco, byol, triplet or supervised.") var method: MethodKind = .byol
    @Option(help: "mlp or convnet.") var backbone: Backbone = .mlp
    @Option(help: "Images per step (two views each).") var batch = 256
    @Option(help: "Timed steps (after 2 warm-up steps).") var steps = 10
    @Flag(help: "Also time a 4096² sgemm after each round of steps and give the step's products as a share of it.")
    var peak = false
    @Option(help: "With --peak: rounds the timed steps are split into, one 4096² sgemm after each.")
    var rounds = 5

    func validate() throws {
        guard batch >= 2 else { throw ValidationError("--batch must be at least 2, got \(batch)") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
    }

    func run() throws {
        try configureThreads()
        let data = try dataOptions.load()
        guard batch <= data.train.count else {
            throw CommandFailure("--batch \(batch) is larger than the \(data.train.count) training images of \(data.name)")
        }
        let r = StepBenchmark(method: method, backbone: backbone, batch: batch)
            .run(on: data, steps: steps, peak: peak ? SquareProduct() : nil, rounds: rounds)
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        print("step: \(method.rawValue), \(backbone.rawValue), batch \(batch) (\(2 * batch) views), \(data.name), \(build) build, \(BLAS.threadCount) \(BLAS.library) threads (\(BLAS.coreName))")
        print(String(format: "augmentation         %7.1f ms\nforward + backward   %7.1f ms\nupdate (SGD, EMA)    %7.1f ms\ntotal                %7.1f ms  (%.0f images/s, median of %d steps)",
                     r.augmentation, r.gradients, r.update, r.total, r.imagesPerSecond, steps))
        var products = String(format: "products             %7.2f GFLOP per step, %.0f GFLOPS at the median step",
                              r.productFlops / 1e9, r.gigaflops)
        if let share = r.shareOfPeak, let reference = r.peakGigaflops {
            products += String(format: " = %.0f %% of this process's 4096² sgemm (%.0f GFLOPS; both medians of %d rounds, each step round read against the sgemm timed right after it)",
                               100 * share, reference, r.rounds)
        }
        print(products)
    }
}

extension Backbone: ExpressibleByArgument {}
