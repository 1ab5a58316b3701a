import Foundation
import Testing
@testable import Evaluation
import TensorCore

/// The linear probe's solver: the preconditioner is the inverse it claims to be, and the
/// preconditioned fit reaches the optimum plain L-BFGS reaches, in far fewer iterations.
@Suite struct LinearProbeTests {
    /// Overlapping clusters in `latent` dimensions mixed into `dimension` strongly correlated
    /// ones (plus a little noise): features like a network's, whose effective rank is a
    /// fraction of their width.
    static func correlated(count: Int, classes: Int, latent: Int, dimension: Int, seed: UInt64) -> (x: [Float], labels: [Int]) {
        let base = clusters(count: count, classes: classes, dimension: latent, separation: 1.5, seed: seed)
        let mixing = clusters(count: latent, classes: 1, dimension: dimension, separation: 0, seed: 99).x
        let noise = clusters(count: count, classes: 1, dimension: dimension, separation: 0, seed: seed + 1000).x
        var x = [Float](repeating: 0, count: count * dimension)
        for r in 0..<count {
            for j in 0..<dimension {
                var sum: Float = 0
                for l in 0..<latent { sum += base.x[r * latent + l] * mixing[l * dimension + j] }
                x[r * dimension + j] = sum + 0.05 * noise[r * dimension + j]
            }
        }
        return (x, base.labels)
    }

    @Test func thePreconditionerInvertsTheShiftedCorrelation() throws {
        let (n, d, c) = (500, 24, 3)
        let data = Self.correlated(count: n, classes: c, latent: 5, dimension: d, seed: 1)
        let (mean, scale) = LinearProbe.standardisation(data.x, dimension: d)
        let x = LinearProbe.standardised(data.x, mean: mean, scale: scale, dimension: d)
        let l2 = 1e-4
        let preconditioner = try #require(ProbePreconditioner(standardised: x, rows: n, dimension: d, classCount: c, l2: l2))
        let theta = (0..<(d * c + c)).map { Double(($0 * 37) % 11) - 5 }
        var solved = theta
        preconditioner.apply(&solved)
        // (Σ + μI)·solved must give back θ's weights (all 500 rows are in the sample); the bias is untouched.
        let mu = l2 * Double(c)
        var worst = 0.0
        for k in 0..<d {
            for j in 0..<c {
                var sum = mu * solved[k * c + j]
                for m in 0..<d {
                    var sigma = 0.0
                    for r in 0..<n { sigma += Double(x[r * d + k]) * Double(x[r * d + m]) }
                    sum += sigma / Double(n) * solved[m * c + j]
                }
                worst = max(worst, abs(sum - theta[k * c + j]) / max(1, abs(theta[k * c + j])))
            }
        }
        #expect(worst < 1e-6, "largest relative residual \(worst)")
        #expect(Array(solved[(d * c)...]) == Array(theta[(d * c)...]))
    }

    @Test func thePreconditionedFitReachesThePlainOptimumInFarFewerIterations() {
        let (d, c) = (48, 5)
        let train = Self.correlated(count: 3000, classes: c, latent: 8, dimension: d, seed: 2)
        let test = Self.correlated(count: 2000, classes: c, latent: 8, dimension: d, seed: 3)
        // The optimum, as closely as plain L-BFGS gets (the objective is strictly convex).
        let optimum = LinearProbe(iterations: 100_000, tolerance: 1e-7, preconditioned: false)
            .evaluate(train: train.x, trainLabels: train.labels, test: test.x, testLabels: test.labels, dimension: d, classCount: c)
        let plain = LinearProbe(iterations: 100_000, preconditioned: false)
            .evaluate(train: train.x, trainLabels: train.labels, test: test.x, testLabels: test.labels, dimension: d, classCount: c)
        let fast = LinearProbe()
            .evaluate(train: train.x, trainLabels: train.labels, test: test.x, testLabels: test.labels, dimension: d, classCount: c)
        #expect(abs(fast.accuracy - optimum.accuracy) <= 0.1, "preconditioned \(fast.accuracy) vs optimum \(optimum.accuracy)")
        #expect(fast.iterations * 3 < plain.iterations, "preconditioned \(fast.iterations) vs plain \(plain.iterations) iterations to 1e-5")
        #expect(fast.iterations < LinearProbe().iterations)
    }

    @Test func probesAreRecognisedByTheirDescription() {
        #expect(LinearProbe(described: LinearProbe().description) == LinearProbe())
        // The words run.json of older builds carries: runs they started resume with their probe.
        #expect(LinearProbe(described: "multinomial logistic regression on standardised frozen features, L-BFGS, 100 iterations, L2 1e-4")
                == .hundredPlainIterations)
        #expect(LinearProbe(described: "something else") == nil)
        #expect(LinearProbe().description.contains("preconditioned"))
        #expect(LinearProbe().description.contains("below 1e-05"))
    }

    @Test func captionsStateTheStoppingRuleAndTheInterval() {
        var evaluation = EvaluationProtocol.reference(dimension: 512)
        #expect(evaluation.caption.contains("L-BFGS to max|grad| < 1e-05"))
        evaluation.linearProbeEvery = 5
        #expect(evaluation.caption.contains("every 5 epochs"))
        evaluation.linearProbe = LinearProbe.hundredPlainIterations.description
        #expect(evaluation.caption.contains("L-BFGS, 100 iterations"))
    }
}

/// The probe's objective (one pass, parts summed in order) against a direct double-precision
/// computation, and its gradient against central differences.
@Suite struct ProbeObjectiveTests {
    static func direct(_ x: [Float], labels: [Int], d: Int, c: Int, l2: Double, theta: [Double]) -> Double {
        var total = 0.0
        for r in 0..<labels.count {
            var z = [Double](repeating: 0, count: c)
            for j in 0..<c {
                z[j] = theta[d * c + j]
                for k in 0..<d { z[j] += Double(x[r * d + k]) * theta[k * c + j] }
            }
            let top = z.max() ?? 0
            let logSum = top + log(z.reduce(0) { $0 + exp($1 - top) })
            total += logSum - z[labels[r]]
        }
        let penalty = (0..<(d * c)).reduce(0.0) { $0 + theta[$1] * theta[$1] }
        return total / Double(labels.count) + 0.5 * l2 * penalty
    }

    @Test func valueAndGradientMatchADirectComputation() {
        // 1,300 rows: several parts and a last block shorter than the others.
        let (n, d, c, l2) = (1300, 7, 4, 0.01)
        let data = clusters(count: n, classes: c, dimension: d, separation: 1, seed: 11)
        let objective = ProbeObjective(x: data.x, labels: data.labels, dimension: d, classCount: c, l2: l2)
        let theta = (0..<(d * c + c)).map { 0.1 * Double(($0 * 13) % 7) - 0.3 }
        let (value, gradient) = objective.evaluate(theta)
        let expected = Self.direct(data.x, labels: data.labels, d: d, c: c, l2: l2, theta: theta)
        #expect(abs(value - expected) < 1e-5 * max(1, abs(expected)), "value \(value) vs \(expected)")
        var worst = 0.0
        for i in theta.indices {
            let h = 1e-4
            var up = theta, down = theta
            up[i] += h
            down[i] -= h
            let numeric = (Self.direct(data.x, labels: data.labels, d: d, c: c, l2: l2, theta: up)
                - Self.direct(data.x, labels: data.labels, d: d, c: c, l2: l2, theta: down)) / (2 * h)
            worst = max(worst, abs(numeric - gradient[i]))
        }
        #expect(worst < 1e-4, "largest gradient difference \(worst)")
    }

    @Test func theSameToRoundingOnAnyNumberOfThreads() {
        let (n, d, c) = (3000, 16, 5)
        let data = clusters(count: n, classes: c, dimension: d, separation: 1, seed: 12)
        let theta = (0..<(d * c + c)).map { 0.05 * Double(($0 * 17) % 9) - 0.2 }
        let before = BLAS.threadCount
        defer { BLAS.setThreadCount(before) }
        BLAS.setThreadCount(1)
        let one = ProbeObjective(x: data.x, labels: data.labels, dimension: d, classCount: c, l2: 1e-4).evaluate(theta)
        BLAS.setThreadCount(2)
        let two = ProbeObjective(x: data.x, labels: data.labels, dimension: d, classCount: c, l2: 1e-4).evaluate(theta)
        // Equal to rounding: BLAS products with k beyond its k-block are split differently.
        #expect(abs(one.value - two.value) <= 1e-6 * abs(one.value))
        #expect(zip(one.gradient, two.gradient).allSatisfy { abs($0 - $1) <= 1e-6 * max(1e-3, abs($0)) })
    }
}
