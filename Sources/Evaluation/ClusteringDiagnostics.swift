import Foundation

/// The under- and over-clustering measures of the paper's Table 1.
public enum ClusteringDiagnostics {
    /// Class divergence (under-clustering; larger is better): the representations are
    /// rescaled so that the mean squared distance of a sample to its class centre is 1,
    /// then the Euclidean distances between all pairs of class centres are averaged.
    public static func classDivergence(_ x: [Float], labels: [Int], dimension: Int, classCount: Int) -> Double {
        classDivergence(distances: centreDistances(x, labels: labels, dimension: dimension, classCount: classCount),
                        classCount: classCount)
    }

    /// Class divergence from an already computed `centreDistances` matrix: the mean over the
    /// pairs of classes present (absent classes have NaN distances).
    public static func classDivergence(distances: [Double], classCount: Int) -> Double {
        var sum = 0.0, pairs = 0
        for a in 0..<classCount {
            for b in (a + 1)..<max(a + 1, classCount) where distances[a * classCount + b].isFinite {
                sum += distances[a * classCount + b]
                pairs += 1
            }
        }
        return pairs > 0 ? sum / Double(pairs) : 0
    }

    /// Euclidean distances between all pairs of class centres (C × C, row-major), after the
    /// same rescaling as `classDivergence`: the heat map of under-clustering. Pairs with a
    /// class absent from `labels` are NaN.
    public static func centreDistances(_ x: [Float], labels: [Int], dimension: Int, classCount: Int) -> [Double] {
        let centres = classCentres(x, labels: labels, dimension: dimension, classCount: classCount)
        var within = 0.0
        for (i, label) in labels.enumerated() {
            for j in 0..<dimension {
                let diff = Double(x[i * dimension + j]) - centres.values[label * dimension + j]
                within += diff * diff
            }
        }
        within /= Double(max(labels.count, 1))
        var distances = [Double](repeating: 0, count: classCount * classCount)
        guard within > 0 else { return distances }
        let scale = 1 / within.squareRoot()
        for a in 0..<classCount {
            for b in 0..<classCount where b > a {
                var d2 = 0.0
                for j in 0..<dimension {
                    let diff = centres.values[a * dimension + j] - centres.values[b * dimension + j]
                    d2 += diff * diff
                }
                let present = centres.counts[a] > 0 && centres.counts[b] > 0
                distances[a * classCount + b] = present ? d2.squareRoot() * scale : .nan
                distances[b * classCount + a] = distances[a * classCount + b]
            }
        }
        return distances
    }

    /// Mean of each class's rows, as `classCount × dimension` values, and the class sizes.
    static func classCentres(_ x: [Float], labels: [Int], dimension: Int, classCount: Int) -> (values: [Double], counts: [Int]) {
        var centres = [Double](repeating: 0, count: classCount * dimension)
        var counts = [Int](repeating: 0, count: classCount)
        for (i, label) in labels.enumerated() {
            counts[label] += 1
            for j in 0..<dimension { centres[label * dimension + j] += Double(x[i * dimension + j]) }
        }
        for c in 0..<classCount where counts[c] > 0 {
            for j in 0..<dimension { centres[c * dimension + j] /= Double(counts[c]) }
        }
        return (centres, counts)
    }

    /// Pr(ω|A) for a truncated deputy: P[Binomial(M, 1/C) ≥ skip + 1], the chance that at
    /// least skip + 1 of M candidates share the anchor's class, so that the first deputy
    /// (rank skip + 1) is a false negative. Summed in log space; stable for M up to 10⁶.
    public static func deputyFalseNegativeProbability(candidates m: Int, classes c: Int, skip: Int) -> Double {
        guard m > skip, c > 0 else { return 0 }
        let p = 1 / Double(c)
        if c == 1 { return 1 }
        // P[X ≥ s+1] = 1 − P[X ≤ s]; sum the smaller tail directly.
        let mean = Double(m) * p
        let logP = Foundation.log(p), logQ = Foundation.log1p(-p)
        func logTerm(_ k: Int) -> Double {
            lgamma(Double(m + 1)) - lgamma(Double(k + 1)) - lgamma(Double(m - k + 1)) + Double(k) * logP + Double(m - k) * logQ
        }
        func logSum(_ range: ClosedRange<Int>) -> Double {
            var maximum = -Double.infinity
            for k in range { maximum = max(maximum, logTerm(k)) }
            var sum = 0.0
            for k in range { sum += Foundation.exp(logTerm(k) - maximum) }
            return maximum + Foundation.log(sum)
        }
        if Double(skip + 1) > mean {
            // Upper tail is the small one; terms beyond mean + 40σ are negligible.
            let limit = min(m, skip + 1 + Int(40 * (mean * (1 - p)).squareRoot()) + 50)
            return min(1, Foundation.exp(logSum((skip + 1)...limit)))
        } else {
            let low = max(0, skip - Int(40 * (mean * (1 - p)).squareRoot()) - 50)
            return max(0, 1 - Foundation.exp(logSum(low...skip)))
        }
    }

    /// Pr(ω|A) for a method that repels every candidate (SimCLR, MoCo): 1 − (1 − 1/C)^M.
    public static func anyFalseNegativeProbability(candidates m: Int, classes c: Int) -> Double {
        guard c > 0 else { return 0 }
        return -Foundation.expm1(Double(m) * Foundation.log1p(-1 / Double(c)))
    }
}
