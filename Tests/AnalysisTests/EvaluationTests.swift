import Foundation
import Testing
@testable import Evaluation
import TensorCore
import Vocabulary
import Reporting

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

/// The truncation threshold the binomial bound predicts, against binomial sums by hand
/// (math.comb in Python): P[Bin(255, 1/C) ≥ s+1].
@Suite struct TruncationPredictionTests {
    @Test func tenAndAHundredClassesAtBatch256() throws {
        let ten = try #require(TruncationPrediction(classes: 10, batch: 256))
        // P[X ≥ 25] = 0.5721, P[X ≥ 26] = 0.4888: ½ is crossed at skip 25.
        #expect(ten.skip == 25)
        // P[X ≥ 19] = 0.9331, P[X ≥ 20] = 0.8983; P[X ≥ 32] = 0.1076, P[X ≥ 33] = 0.0757.
        #expect(ten.range == 19...32)
        #expect(ten.summary == "predicted best skip ≈ 25 (19–32) at 10 classes, batch 256")
        let hundred = try #require(TruncationPrediction(classes: 100, batch: 256))
        // P[X ≥ 2] = 0.7244, P[X ≥ 3] = 0.4696; P[X ≥ 1] = 0.9229; P[X ≥ 5] = 0.1146, P[X ≥ 6] = 0.0446.
        #expect(hundred.skip == 2)
        #expect(hundred.range == 1...5)
        for (c, s, p) in [(10, 24, 0.5721), (10, 25, 0.4888), (100, 1, 0.7244), (100, 2, 0.4696)] {
            let value = ClusteringDiagnostics.deputyFalseNegativeProbability(candidates: 255, classes: c, skip: s)
            #expect(abs(value - p) < 5e-5, "C \(c), skip \(s): \(value)")
        }
        #expect(TruncationPrediction(classes: 1, batch: 256) == nil)
        #expect(TruncationPrediction(classes: 10, batch: 2) == nil)
    }

    @Test func ablationFiguresShadeThePredictedRange() throws {
        func run(_ skip: Int, knn: Double) -> RunMetrics {
            var rows = [EpochMetrics(epoch: 0), EpochMetrics(epoch: 1)]
            rows[1].knnTop1 = knn
            rows[1].prOmegaMeasured = 0.5
            var metrics = RunMetrics(.triplet(skip: skip), rows: rows, classNames: (0..<10).map { "c\($0)" })
            metrics.batch = 256
            metrics.group = metrics.run
            return metrics
        }
        let runs = [run(1, knn: 70), run(20, knn: 72), run(40, knn: 71)]
        let figure = try #require(Figures.ablation(runs, measure: .knn))
        #expect(figure.shadedX == 19...32)
        #expect(figure.caption?.contains("½ at skip 25") == true)
        #expect(try #require(Figures.ablationFalseNegatives(runs)).shadedX == 19...32)
        // Runs of different batches predict nothing together.
        var other = run(5, knn: 70)
        other.batch = 128
        #expect(Figures.ablation(runs + [other], measure: .knn)?.shadedX == nil)
    }
}
