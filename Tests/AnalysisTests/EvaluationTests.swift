import Foundation
import Testing
@testable import Analysis
import TensorCore

/// Deterministic Gaussian-ish clusters: `classes` centres `spread` apart in `dimension` dims.
func clusters(count: Int, classes: Int, dimension: Int, separation: Float, seed: UInt64) -> (x: [Float], labels: [Int]) {
    var state = seed
    func uniform() -> Float {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(state >> 40) / Float(1 << 24)
    }
    func normal() -> Float { (-2 * log(max(uniform(), 1e-7))).squareRoot() * cos(2 * .pi * uniform()) }
    var x: [Float] = [], labels: [Int] = []
    for i in 0..<count {
        let label = i % classes
        labels.append(label)
        for j in 0..<dimension { x.append((j == label ? separation : 0) + normal()) }
    }
    return (x, labels)
}

@Suite struct EvaluationOnKnownAnswersTests {
    @Test func separableClustersAreClassifiedPerfectly() {
        let train = clusters(count: 600, classes: 4, dimension: 8, separation: 12, seed: 1)
        let test = clusters(count: 200, classes: 4, dimension: 8, separation: 12, seed: 2)
        let knn = KNNClassifier(k: 20).accuracy(train: train.x, trainLabels: train.labels, test: test.x,
                                                testLabels: test.labels, dimension: 8, classCount: 4)
        let linear = LinearProbe().accuracy(train: train.x, trainLabels: train.labels, test: test.x,
                                            testLabels: test.labels, dimension: 8, classCount: 4)
        #expect(knn == 100)
        #expect(linear == 100)
    }

    @Test func randomLabelsGiveChanceAccuracy() {
        let train = clusters(count: 2000, classes: 1, dimension: 8, separation: 0, seed: 3)
        let test = clusters(count: 2000, classes: 1, dimension: 8, separation: 0, seed: 4)
        let labels = (0..<2000).map { ($0 * 7919 + 13) % 5 }
        let knn = KNNClassifier(k: 50).accuracy(train: train.x, trainLabels: labels, test: test.x,
                                                testLabels: labels.reversed(), dimension: 8, classCount: 5)
        let linear = LinearProbe().accuracy(train: train.x, trainLabels: labels, test: test.x,
                                            testLabels: labels.reversed(), dimension: 8, classCount: 5)
        #expect(abs(knn - 20) < 4, "kNN on random labels: \(knn)")
        #expect(abs(linear - 20) < 4, "linear on random labels: \(linear)")
    }

    /// Overlapping clusters: the probe should reach the Bayes rate of the problem, close to
    /// what the nearest true centre achieves.
    @Test func linearProbeReachesTheBayesRateOnOverlappingClusters() {
        let train = clusters(count: 4000, classes: 3, dimension: 6, separation: 2, seed: 5)
        let test = clusters(count: 3000, classes: 3, dimension: 6, separation: 2, seed: 6)
        var bayes = 0
        for i in 0..<test.labels.count {
            let row = test.x[(i * 6)..<(i * 6 + 3)]
            let best = row.enumerated().max { $0.element < $1.element }?.offset ?? 0
            if best == test.labels[i] { bayes += 1 }
        }
        let bayesRate = 100 * Double(bayes) / Double(test.labels.count)
        let linear = LinearProbe().accuracy(train: train.x, trainLabels: train.labels, test: test.x,
                                            testLabels: test.labels, dimension: 6, classCount: 3)
        #expect(abs(linear - bayesRate) < 1.5, "probe \(linear) vs Bayes \(bayesRate)")
    }

    @Test func classDivergenceOfTwoGaussiansAKnownDistanceApart() {
        // Two classes, unit-variance noise in 4 dims, centres 6 apart on the first axis:
        // within-class mean squared distance ≈ 4, so the divergence ≈ 6 / 2 = 3.
        var data = clusters(count: 20000, classes: 2, dimension: 4, separation: 0, seed: 7)
        for i in 0..<data.labels.count where data.labels[i] == 1 { data.x[i * 4] += 6 }
        let d = ClusteringDiagnostics.classDivergence(data.x, labels: data.labels, dimension: 4, classCount: 2)
        #expect(abs(d - 3) < 0.05, "divergence \(d)")
    }

    /// P[Binomial(M, 1/C) ≥ s+1] against an exact sum by recurrence in Double.
    @Test func deputyProbabilityMatchesExactBinomialSums() {
        for (m, c, s) in [(255, 10, 0), (255, 10, 25), (99, 3, 40), (1000, 100, 3), (4095, 1000, 1), (30, 2, 29)] {
            let p = 1 / Double(c)
            var term = pow(1 - p, Double(m))  // P[X = 0]
            var cdf = term
            if s > 0 {
                for k in 1...s {
                    term *= Double(m - k + 1) / Double(k) * p / (1 - p)
                    cdf += term
                }
            }
            let exact = 1 - cdf
            let ours = ClusteringDiagnostics.deputyFalseNegativeProbability(candidates: m, classes: c, skip: s)
            #expect(abs(ours - exact) < 1e-9, "M \(m) C \(c) skip \(s): \(ours) vs \(exact)")
        }
    }
}

@Suite struct RepresentationHealthTests {
    func gaussian(_ count: Int, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return (0..<count).map { _ in rng.normal() }
    }

    @Test func identicalVectorsHaveNoSpreadAndRankOne() {
        let row: [Float] = (0..<32).map { Float($0 % 5) - 1.5 }
        let x = Array((0..<500).map { _ in row }.joined())
        #expect(RepresentationHealth.normalisedStd(x, rows: 500, dimension: 32) < 1e-6)
        #expect(abs(RepresentationHealth.effectiveRank(x, rows: 500, dimension: 32) - 1) < 1e-3)
        #expect(RepresentationHealth.isCollapsed(std: 0, effectiveRank: 1, dimension: 32))
    }

    @Test func isotropicGaussianSpreadsOverTheSphere() {
        let n = 4000, d = 64
        let x = gaussian(n * d, seed: 3)
        let std = RepresentationHealth.normalisedStd(x, rows: n, dimension: d)
        #expect(abs(std - 1 / 8) < 0.005, "std \(std), expected about 1/√64")
        let rank = RepresentationHealth.effectiveRank(x, rows: n, dimension: d)
        #expect(rank > 0.95 * Double(d) && rank <= Double(d), "rank \(rank)")
        #expect(!RepresentationHealth.isCollapsed(std: std, effectiveRank: rank, dimension: d))
    }

    @Test func rankKDataHasEffectiveRankAtMostK() {
        let n = 2000, d = 48, k = 3
        let basis = gaussian(k * d, seed: 5), weights = gaussian(n * k, seed: 6)
        var x = [Float](repeating: 0, count: n * d)
        for r in 0..<n { for j in 0..<d { for b in 0..<k { x[r * d + j] += weights[r * k + b] * basis[b * d + j] } } }
        let rank = RepresentationHealth.effectiveRank(x, rows: n, dimension: d)
        #expect(rank > 1.5 && rank <= Double(k) + 1e-3, "rank \(rank)")
        #expect(RepresentationHealth.isCollapsed(std: nil, effectiveRank: rank, dimension: d))
    }
}
