/// The truncation threshold the paper's binomial argument predicts for a data set: the skip
/// at which the first deputy stops being more likely than not a false negative.
///
/// With C equally likely classes and M = batch − 1 candidates, the number of the anchor's
/// class-mates among the candidates is Binomial(M, 1/C); the deputy ranked skip + 1 is a
/// false negative with probability P[X ≥ skip + 1] (`ClusteringDiagnostics
/// .deputyFalseNegativeProbability`). Skipping fewer leaves class-mates as negatives
/// (over-clustering); skipping many more throws true negatives away. The prediction is where
/// that probability crosses ½, with the range over which it falls from 0.9 to 0.1.
public struct TruncationPrediction: Sendable, Equatable {
    public let classes: Int
    public let candidates: Int
    /// The smallest skip whose deputy is a false negative with probability at most ½.
    public let skip: Int
    /// From the smallest skip below 0.9 to the smallest at or below 0.1.
    public let range: ClosedRange<Int>

    /// Nil when there is nothing to predict (fewer than two classes or candidates).
    public init?(classes: Int, batch: Int) {
        let m = batch - 1
        guard classes >= 2, m >= 2 else { return nil }
        func probability(_ skip: Int) -> Double {
            ClusteringDiagnostics.deputyFalseNegativeProbability(candidates: m, classes: classes, skip: skip)
        }
        func first(where below: (Double) -> Bool) -> Int {
            var skip = 0
            while skip < m && !below(probability(skip)) { skip += 1 }
            return skip
        }
        self.classes = classes
        candidates = m
        skip = first { $0 <= 0.5 }
        range = first { $0 < 0.9 }...first { $0 <= 0.1 }
    }

    /// "predicted best skip ≈ 25 (19–32) at 10 classes, batch 256".
    public var summary: String {
        "predicted best skip ≈ \(skip) (\(range.lowerBound)–\(range.upperBound)) at \(classes) classes, batch \(candidates + 1)"
    }
}
