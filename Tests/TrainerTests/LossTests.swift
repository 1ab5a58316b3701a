import Foundation
import Testing
import CKernels
import TensorCore
@testable import Trainer

/// Central differences of a scalar loss in every coordinate of `x`.
func numericGradient(_ x: Tensor, epsilon: Float = 1e-2, _ loss: () -> Float) -> [Float] {
    (0..<x.count).map { i in
        let saved = x[i]
        x[i] = saved + epsilon
        let plus = Double(loss())
        x[i] = saved - epsilon
        let minus = Double(loss())
        x[i] = saved
        return Float((plus - minus) / Double(2 * epsilon))
    }
}

@Suite struct LossTests {
    let tolerance: Float = 2e-2

    @Test func ntXentMatchesHandComputedValue() {
        // Rows 0,1 are first views, 2,3 second views; row 0's positive is row 2.
        // Row 0: logits (z0·zk)/0.5 = [_, 0, 1.2, 1.6] → −1.2 + log(e⁰ + e^1.2 + e^1.6), etc.
        let z = Tensor(shape: [4, 2], values: [1, 0, 0, 1, 0.6, 0.8, 0.8, -0.6])
        let loss = NTXentLoss(temperature: 0.5)
        #expect(abs(loss(z) - 2.0301903) < 1e-5)
    }

    @Test func ntXentGradient() {
        let z = GradientCheck.randomTensor([6, 4], seed: 21)
        let loss = NTXentLoss(temperature: 0.5)
        _ = loss(z)
        let analytic = loss.gradient.array
        #expect(GradientCheck.relativeError(analytic, numericGradient(z) { loss(z) }) < tolerance)
    }

    @Test func ntXentMeasuresSameClassRepulsion() {
        let z = GradientCheck.randomTensor([8, 3], seed: 22)
        let loss = NTXentLoss()
        _ = loss(z, labels: [0, 0, 0, 0][...])
        #expect(abs(loss.prOmegaMeasured - 1) < 1e-6)  // every negative is same-class
        _ = loss(z, labels: [0, 1, 2, 3][...])
        #expect(loss.prOmegaMeasured == 0)  // only the positive shares the class
    }

    @Test func infoNCEMatchesHandComputedValue() {
        // q·k/0.2 = 3, queue logits 0 and −5: loss = −3 + log(e³ + e⁰ + e⁻⁵).
        let loss = InfoNCELoss(temperature: 0.2)
        let value = loss(queries: Tensor(shape: [1, 2], values: [1, 0]), keys: Tensor(shape: [1, 2], values: [0.6, 0.8]),
                         queue: Tensor(shape: [2, 2], values: [0, 1, -1, 0]), queryLabels: [3], queueLabels: [3, 4])
        #expect(abs(value - 0.0489069) < 1e-5)
        // Share of negative weight on the same-class entry: e⁰ / (e⁰ + e⁻⁵).
        #expect(abs(loss.prOmegaMeasured - Float(1 / (1 + exp(-5.0)))) < 1e-5)
    }

    @Test func infoNCEGradient() {
        let q = GradientCheck.randomTensor([5, 4], seed: 23), k = GradientCheck.randomTensor([5, 4], seed: 24)
        let queue = GradientCheck.randomTensor([7, 4], seed: 25)
        let loss = InfoNCELoss(temperature: 0.5)
        _ = loss(queries: q, keys: k, queue: queue)
        let analytic = loss.gradient.array
        #expect(GradientCheck.relativeError(analytic, numericGradient(q) { loss(queries: q, keys: k, queue: queue) }) < tolerance)
    }

    /// Anchor 0's closest negative (z1, similarity 0.9) is of its own class. With skip 1 the
    /// deputy is z2 (similarity 0.5): hinge 2·(−1.6) − (−1) + 3 = 0.8, and every other anchor's
    /// hinge is closed, so each block gives 0.8 / 4 and the two blocks 0.4. With skip 0 the
    /// closest negatives are pushed: hinges 1.6, 0.44, 0.82337, 0.82337 → 2 · 3.68674 / 4.
    func tripletCase() -> (p: Tensor, z: Tensor, labels: ArraySlice<Int>) {
        let z: [Float] = [0.8, 0.6, 0, 0,
                          0.9, 0, Float(0.19).squareRoot(), 0,
                          0.5, 0, 0, Float(0.75).squareRoot(),
                          0.1, 0, 0, Float(0.99).squareRoot()]
        let p: [Float] = [1, 0, 0, 0] + Array(z[4...])
        return (Tensor(shape: [8, 4], values: p + p), Tensor(shape: [8, 4], values: z + z), [0, 0, 1, 1][...])
    }

    @Test func truncatedTripletSkipsTheFalseNegative() {
        let (p, z, labels) = tripletCase()
        let truncated = TruncatedTripletLoss(selection: .truncated(skip: 1, deputies: 1), gamma: 2, margin: 3)
        #expect(abs(truncated(predictions: p, targets: z, labels: labels) - 0.4) < 1e-5)
        #expect(truncated.prOmegaMeasured == 0)
        let hardest = TruncatedTripletLoss(selection: .truncated(skip: 0, deputies: 1), gamma: 2, margin: 3)
        #expect(abs(hardest(predictions: p, targets: z, labels: labels) - 1.843370) < 1e-4)
        #expect(hardest.prOmegaMeasured == 1)
        // Averaging two deputies after skipping one: anchor 0 uses (z2 + z3)/2 → n = −0.6,
        // hinge −3.2 + 0.6 + 3 = 0.4; anchor 1: z2, z3 → n = −0.54, hinge −1 + 0.54 < 0; anchor 2:
        // z1, z0 → n = −0.85, closed; anchor 3: z1, z0 → n = −0.17, closed.
        let two = TruncatedTripletLoss(selection: .truncated(skip: 1, deputies: 2), gamma: 2, margin: 3)
        #expect(abs(two(predictions: p, targets: z, labels: labels) - 0.2) < 1e-5)
    }

    @Test func medianNegativeUsesTheMiddleRank() {
        let (p, z, _) = tripletCase()
        // 3 negatives → median rank 1: the same deputies as skip 1, deputies 1.
        let median = TruncatedTripletLoss(selection: .median, gamma: 2, margin: 3)
        #expect(abs(median(predictions: p, targets: z) - 0.4) < 1e-5)
        #expect(NegativeSelection.median.ranks(candidates: 255) == 127..<128)
    }

    @Test func truncatedTripletGradient() {
        let p = GradientCheck.randomTensor([12, 16], seed: 26), z = GradientCheck.randomTensor([12, 16], seed: 27)
        let loss = TruncatedTripletLoss(selection: .truncated(skip: 1, deputies: 2), gamma: 2, margin: 1)
        _ = loss(predictions: p, targets: z)
        let analytic = loss.gradient.array
        let numeric = numericGradient(p, epsilon: 1e-3) { loss(predictions: p, targets: z) }
        #expect(GradientCheck.relativeError(analytic, numeric) < tolerance)
    }

    @Test func crossEntropyMatchesHandComputedValueAndGradient() {
        // logits [0, ln 3] for class 1: p = 3/4, loss = −ln(3/4).
        let logits = Tensor(shape: [1, 2], values: [0, Float(log(3.0))])
        let loss = CrossEntropyLoss()
        #expect(abs(loss(logits) { _ in 1 } - Float(-log(0.75))) < 1e-6)
        #expect(abs(loss.gradient[0] - 0.25) < 1e-6 && abs(loss.gradient[1] - -0.25) < 1e-6)
        let x = GradientCheck.randomTensor([4, 5], seed: 28)
        _ = loss(x) { $0 % 5 }
        let analytic = loss.gradient.array
        #expect(GradientCheck.relativeError(analytic, numericGradient(x) { loss(x) { $0 % 5 } }) < tolerance)
    }

    @Test func negativeCosineMatchesHandComputedValue() {
        // cos = 0.6 → 2 − 1.2 = 0.8; cos = 0 → 2; mean 1.4.
        let loss = NegativeCosineLoss()
        let value = loss(prediction: Tensor(shape: [2, 2], values: [2, 0, 0, 3]),
                         target: Tensor(shape: [2, 2], values: [0.6, 0.8, 5, 0]))
        #expect(abs(value - 1.4) < 1e-6)
    }
}

/// The triplet loss ranks negatives by partial selection (CKernels' wb_select_largest) instead
/// of sorting; it must pick exactly the ranks a full sort would.
@Suite struct RankSelectionTests {
    @Test func firstPositionsHoldTheLargestKeys() {
        var rng = RandomGenerator(seed: 21)
        for count in [1, 2, 3, 10, 255, 1000] {
            // Few distinct values too, so that ties are common.
            for distinct in [3, 1_000_000] {
                let keys = (0..<count).map { _ in Float(rng.below(distinct)) }
                for largest in Set([0, 1, count / 3, count - 1, count]) {
                    var indices = (0..<count).map(Int32.init)
                    wb_select_largest(keys, &indices, Int64(count), Int64(largest))
                    let chosen = indices[0..<largest].map { keys[Int($0)] }.sorted(by: >)
                    let expected = keys.sorted(by: >)[0..<largest]
                    #expect(chosen == Array(expected), "count \(count), largest \(largest)")
                    #expect(Set(indices) == Set((0..<count).map(Int32.init)), "a permutation")
                }
            }
        }
    }

    @Test func deputiesAreTheRanksAFullSortGives() {
        var rng = RandomGenerator(seed: 22)
        let n = 64, d = 8
        let p = Tensor(shape: [2 * n, d]), z = Tensor(shape: [2 * n, d])
        for i in 0..<p.count { p.data[i] = rng.normal(); z.data[i] = rng.normal() }
        let labels = (0..<n).map { $0 % 5 }
        for (skip, deputies) in [(0, 1), (1, 9), (30, 9), (60, 3), (62, 1)] {
            let selection = NegativeSelection.truncated(skip: skip, deputies: deputies)
            let loss = TruncatedTripletLoss(selection: selection, gamma: 2, margin: 100)
            // The anchors are split over the kernel threads; each is computed alone.
            BLAS.setThreadCount(2)
            let value = loss(predictions: p, targets: z, labels: labels[...])
            let gradient = loss.gradient.array, rate = loss.prOmegaMeasured
            BLAS.setThreadCount(1)  // what the other tests in this process expect
            let serial = loss(predictions: p, targets: z, labels: labels[...])
            #expect(value == serial && gradient == loss.gradient.array && rate == loss.prOmegaMeasured,
                    "one and two threads differ")
            // The same loss and same-class share from fully sorted negatives.
            var expected: Float = 0, sameClass = 0
            let ranks = selection.ranks(candidates: n - 1)
            for block in 0..<2 {
                var sum: Float = 0
                for i in 0..<n {
                    func similarity(_ j: Int) -> Float {
                        (0..<d).reduce(0) { $0 + p.data[(block * n + i) * d + $1] * z.data[(block * n + j) * d + $1] }
                    }
                    let negatives = (0..<n).filter { $0 != i }.sorted { similarity($0) > similarity($1) }
                    let deputy = ranks.map { -2 * similarity(negatives[$0]) }.reduce(0, +) / Float(ranks.count)
                    sum += max(0, 2 * (-2 * similarity(i)) - deputy + 100)
                    sameClass += ranks.filter { labels[negatives[$0]] == labels[i] }.count
                }
                expected += sum / Float(n)
            }
            #expect(abs(value - expected) < 1e-3 * max(1, abs(expected)), "skip \(skip), deputies \(deputies): \(value) vs \(expected)")
            #expect(rate == Float(sameClass) / Float(2 * n * ranks.count), "skip \(skip), deputies \(deputies)")
        }
    }
}
