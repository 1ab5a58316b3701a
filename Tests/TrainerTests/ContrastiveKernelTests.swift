import CKernels
import Foundation
import Testing
import TensorCore

/// The contrastive losses' row softmax in C against the definition in double precision, its
/// exp against the C library's, and the same bits on one and two threads.
@Suite struct ContrastiveKernelTests {
    @Test func expIsWithinTwoUlpsAndHandlesTheEnds() {
        let xs: [Float] = stride(from: -87.0, through: 88.0, by: 0.0137).map { Float($0) } + [0, -0.0, 1e-8, -1e-8]
        var out = [Float](repeating: 0, count: xs.count)
        wb_exp(xs, &out, Int64(xs.count))
        var worst = 0.0
        for (x, y) in zip(xs, out) {
            let exact = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(y) - exact) / exact)
        }
        #expect(worst < 2.5e-7, "largest relative error \(worst)")
        let ends: [Float] = [-.infinity, -100, -87.4, .nan]
        var endOut = [Float](repeating: 1, count: ends.count)
        wb_exp(ends, &endOut, Int64(ends.count))
        #expect(endOut[0] == 0 && endOut[1] == 0 && endOut[2] == 0)
        #expect(endOut[3].isNaN)
    }

    /// Rows of logits with a positive, sometimes an excluded column, and labels.
    struct Case {
        let rows: Int, columns: Int
        let logits: [Float]
        let positive: [Int32], excluded: [Int32]
        let rowLabels: [Int], columnLabels: [Int]

        init(rows: Int, columns: Int, excludeDiagonal: Bool, seed: UInt64) {
            var rng = RandomGenerator(seed: seed)
            self.rows = rows
            self.columns = columns
            logits = (0..<rows * columns).map { _ in rng.normal() * 4 }
            positive = (0..<rows).map { Int32(($0 + 7) % columns) }
            excluded = (0..<rows).map { excludeDiagonal ? Int32($0 % columns) : -1 }
            let columnLabels = (0..<columns).map { $0 % 3 }
            // Half the anchors share their positive's class (as NT-Xent's two views do).
            let positive = self.positive
            rowLabels = (0..<rows).map { ($0 % 2 == 0 ? 0 : 1) + columnLabels[Int(positive[$0])] }
            self.columnLabels = columnLabels
        }

        func run(threads: Int) -> (x: [Float], loss: [Double], share: [Double]) {
            BLAS.setThreadCount(threads)
            defer { BLAS.setThreadCount(1) }  // what the other tests in this process expect
            var x = logits, loss = [Double](repeating: 0, count: rows), share = [Double](repeating: 0, count: rows)
            wb_contrastive_softmax(&x, Int64(rows), Int64(columns), Int64(columns), positive, excluded,
                                   rowLabels, columnLabels, &loss, &share)
            return (x, loss, share)
        }
    }

    @Test(arguments: [(rows: 512, columns: 512, excludeDiagonal: true), (rows: 37, columns: 4097, excludeDiagonal: false),
                      (rows: 5, columns: 3, excludeDiagonal: true)])
    func softmaxRowsMatchTheDefinition(rows: Int, columns: Int, excludeDiagonal: Bool) {
        let c = Case(rows: rows, columns: columns, excludeDiagonal: excludeDiagonal, seed: UInt64(rows + columns))
        let one = c.run(threads: 1), two = c.run(threads: 2)
        let sameBits = one.x == two.x && one.loss == two.loss && one.share == two.share
        #expect(sameBits, "one and two threads differ")
        var worstGradient = 0.0, worstLoss = 0.0, worstShare = 0.0
        for i in 0..<rows {
            let row = (0..<columns).map { Double(c.logits[i * columns + $0]) }
            let takesPart = (0..<columns).map { $0 != Int(c.excluded[i]) }
            let maximum = zip(row, takesPart).filter(\.1).map(\.0).max() ?? 0
            let weights = (0..<columns).map { takesPart[$0] ? Foundation.exp(row[$0] - maximum) : 0 }
            let sum = weights.reduce(0, +)
            let p = Int(c.positive[i])
            worstLoss = max(worstLoss, abs(one.loss[i] - (maximum + Foundation.log(sum) - row[p])))
            for j in 0..<columns {
                let expected = weights[j] / sum - (j == p ? 1 : 0)
                worstGradient = max(worstGradient, abs(Double(one.x[i * columns + j]) - expected))
            }
            let negatives = (0..<columns).filter { takesPart[$0] && $0 != p }
            let negative = negatives.map { weights[$0] }.reduce(0, +)
            let same = negatives.filter { c.columnLabels[$0] == c.rowLabels[i] }.map { weights[$0] }.reduce(0, +)
            worstShare = max(worstShare, abs(one.share[i] - (negative > 0 ? same / negative : 0)))
        }
        #expect(worstLoss < 1e-5, "loss error \(worstLoss)")
        #expect(worstGradient < 1e-6, "gradient error \(worstGradient)")
        #expect(worstShare < 1e-5, "share error \(worstShare)")
        if excludeDiagonal {
            #expect((0..<rows).allSatisfy { one.x[$0 * columns + $0 % columns] == 0 }, "excluded column has weight")
        }
    }
}
