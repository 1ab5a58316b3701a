import Foundation

/// Seconds one end-of-epoch evaluation spent in each of its parts: what `bench-eval` prints
/// and docs/performance.md reads, so that the cost of a curve point is known part by part.
public struct EvaluationTimings: Sendable, Equatable {
    /// Backbone forward passes (evaluation mode) over the train and the test split.
    public var trainForward = 0.0
    public var testForward = 0.0
    public var knn = 0.0
    public var probe = 0.0
    /// Class centres, their distances and the divergence.
    public var divergence = 0.0
    /// Spread and effective rank of the test representations.
    public var health = 0.0
    /// The projector over the test representations, and the same two figures of its output.
    public var embedding = 0.0
    /// L-BFGS iterations and objective evaluations the probe took.
    public var probeIterations = 0
    public var probeEvaluations = 0

    public init() {}

    public var total: Double { trainForward + testForward + knn + probe + divergence + health + embedding }

    /// The parts in the order they run, named for a table.
    public var parts: [(name: String, seconds: Double)] {
        [("train forward", trainForward), ("test forward", testForward), ("kNN", knn), ("linear probe", probe),
         ("class divergence", divergence), ("representation health", health), ("projector + its health", embedding)]
    }
}

/// Runs `body` and adds its wall-clock seconds to `seconds`.
@inline(__always)
func timed<T>(_ seconds: inout Double, _ body: () throws -> T) rethrows -> T {
    let started = DispatchTime.now().uptimeNanoseconds
    defer { seconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
    return try body()
}
