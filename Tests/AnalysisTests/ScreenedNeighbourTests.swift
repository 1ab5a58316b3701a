import CKernels
import Foundation
import Synchronization
import Testing
@testable import Evaluation
import TensorCore

/// The int8 screen of the kNN evaluation must find exactly the neighbours of the float
/// product: its error bound must hold for every pair, and no true neighbour may be screened out.
@Suite(.enabled(if: ScreenedNeighbours.isAvailable, "the int8 screen needs AVX-512 VNNI, which this CPU lacks"))
struct ScreenedNeighbourTests {
    /// Rows of `dimension` values: `relu` rectifies them (like the backbones' outputs), `crowd`
    /// packs them around one direction so that similarities nearly tie.
    static func rows(_ count: Int, dimension: Int, seed: UInt64, relu: Bool = false, crowd: Float = 0) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        let centre = (0..<dimension).map { _ in rng.normal() }
        var x: [Float] = []
        for _ in 0..<count {
            for j in 0..<dimension {
                let v = crowd > 0 ? centre[j] + crowd * rng.normal() : rng.normal() + (j % 7 == 0 ? 1.5 : 0)
                x.append(relu ? max(0, v) : v)
            }
        }
        return x
    }

    /// The top-k index sets of every test row, by the screen and by the float product.
    static func neighbourSets(train: [Float], test: [Float], dimension: Int, k: Int)
        -> (screened: [Set<Int>], exact: [Set<Int>], similarities: [[Float]], rescored: Int) {
        let trainUnit = KNNClassifier.normalised(train, dimension: dimension)
        let testUnit = KNNClassifier.normalised(test, dimension: dimension)
        let trainCount = train.count / dimension, testCount = test.count / dimension
        let screened = Mutex([Set<Int>](repeating: [], count: testCount))
        let exact = Mutex([Set<Int>](repeating: [], count: testCount))
        let rescored = ScreenedNeighbours.search(train: trainUnit, trainCount: trainCount, test: testUnit, testCount: testCount,
                                                 dimension: dimension, k: k, workers: 2) { row, _, indices in
            screened.withLock { $0[row] = Set(indices) }
        }
        KNNClassifier(k: k).exactSearch(train: trainUnit, trainCount: trainCount, test: testUnit, testCount: testCount,
                                        dimension: dimension, k: min(k, trainCount), workers: 2) { row, _, indices in
            exact.withLock { $0[row] = Set(indices) }
        }
        let similarities = (0..<testCount).map { i in
            (0..<trainCount).map { j in
                (0..<dimension).reduce(Float(0)) { $0 + testUnit[i * dimension + $1] * trainUnit[j * dimension + $1] }
            }
        }
        return (screened.withLock { $0 }, exact.withLock { $0 }, similarities, rescored ?? -1)
    }

    /// The two sets agree, except for rows swapped at a tie (equal within float rounding).
    static func expectSameNeighbours(train: [Float], test: [Float], dimension: Int, k: Int,
                                     sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let result = neighbourSets(train: train, test: test, dimension: dimension, k: k)
        #expect(result.rescored >= 0, "the screen did not run", sourceLocation: sourceLocation)
        for row in result.screened.indices {
            let kth = result.similarities[row].sorted(by: >)[min(k, result.similarities[row].count) - 1]
            #expect(result.screened[row].count == min(k, result.similarities[row].count), sourceLocation: sourceLocation)
            for j in result.screened[row].symmetricDifference(result.exact[row]) {
                #expect(abs(result.similarities[row][j] - kth) < 1e-5,
                        "row \(row): train row \(j) (similarity \(result.similarities[row][j]), k-th \(kth)) is in one set only",
                        sourceLocation: sourceLocation)
            }
        }
        return result.rescored
    }

    @Test func errorBoundHoldsForEveryPair() {
        for (dimension, relu) in [(37, false), (64, true), (512, true)] {
            let trainCount = 70, testCount = 13
            let train = KNNClassifier.normalised(Self.rows(trainCount, dimension: dimension, seed: 1, relu: relu), dimension: dimension)
            let test = KNNClassifier.normalised(Self.rows(testCount, dimension: dimension, seed: 2, relu: relu), dimension: dimension)
            let depth = (dimension + 3) & ~3, padded = ScreenedNeighbours.roundUp(testCount, Int(WB_TILE_ROWS))
            guard let b = QuantisedRows(train, rows: trainCount, paddedRows: trainCount, dimension: dimension, depth: depth, offset: 128, workers: 2),
                  let a = QuantisedRows(test, rows: testCount, paddedRows: padded, dimension: dimension, depth: depth, offset: 0, workers: 2)
            else { Issue.record("finite rows refused"); return }
            let panelCount = (trainCount + Int(WB_PANEL_ROWS) - 1) / Int(WB_PANEL_ROWS), stride = panelCount * Int(WB_PANEL_ROWS)
            var panels = [UInt8](repeating: 0, count: stride * depth)
            wb_pack_panels(b.bytes, Int32(trainCount), Int32(depth), 128, &panels)
            let codes = TrainCodes(b.codes, paddedCount: stride)
            var estimates = [Float](repeating: 0, count: padded * stride)
            a.bytes.withUnsafeBufferPointer { bytes in
                codes.withPointers { c in
                    let signed = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: Int8.self)
                    wb_int8_estimates(signed, a.codes, Int32(padded), Int32(depth), panels, Int32(panelCount), c, &estimates, Int32(stride))
                }
            }
            var worstShare = 0.0
            for i in 0..<testCount {
                for j in 0..<trainCount {
                    var exact = 0.0
                    for d in 0..<dimension { exact += Double(test[i * dimension + d]) * Double(train[j * dimension + d]) }
                    let error = abs(exact - Double(estimates[i * stride + j]))
                    let bound = Double(a.codes[i].residual) + Double(a.codes[i].norm) * Double(b.codes[j].residual)
                    #expect(error <= bound + 1e-5, "d \(dimension): pair \(i), \(j) misses by \(error), bound \(bound)")
                    worstShare = max(worstShare, error / bound)
                }
            }
            // The bound is a worst case; it must not be vacuous either.
            #expect(worstShare > 0.01, "d \(dimension): the largest error is only \(worstShare) of its bound")
        }
    }

    @Test func screenFindsTheFloatProductsNeighbours() {
        // Odd sizes on purpose: no multiple of 4, 12, 16 or 32 anywhere.
        let dimension = 37
        let train = Self.rows(1_999, dimension: dimension, seed: 3, relu: true)
        let test = Self.rows(101, dimension: dimension, seed: 4, relu: true)
        let rescored = Self.expectSameNeighbours(train: train, test: test, dimension: dimension, k: 50)
        // The screen must actually screen: far fewer rows rescored than the whole train set.
        #expect(rescored < 101 * 1_999 / 2, "rescored \(rescored) of \(101 * 1_999)")
    }

    @Test func nearTiesAreStillExact() {
        // Every train row within 1e-3 of one direction: the int8 bound cannot separate them, so
        // (nearly) everything becomes a candidate, and the answer must still be exact.
        let dimension = 64
        let train = Self.rows(600, dimension: dimension, seed: 5, crowd: 1e-3)
        let test = Self.rows(30, dimension: dimension, seed: 6, crowd: 1e-3)
        _ = Self.expectSameNeighbours(train: train, test: test, dimension: dimension, k: 20)
    }

    @Test func smallSetsAndLargeK() {
        let dimension = 16
        let train = Self.rows(40, dimension: dimension, seed: 7)
        let test = Self.rows(5, dimension: dimension, seed: 8)
        _ = Self.expectSameNeighbours(train: train, test: test, dimension: dimension, k: 200)  // k > train rows
        _ = Self.expectSameNeighbours(train: train, test: test, dimension: dimension, k: 39)
        _ = Self.expectSameNeighbours(train: train, test: test, dimension: dimension, k: 1)
    }

    @Test func nonFiniteRowsFallBackToTheFloatProduct() {
        let dimension = 8
        var train = Self.rows(50, dimension: dimension, seed: 9)
        train[17] = .nan
        let test = Self.rows(4, dimension: dimension, seed: 10)
        let screened = ScreenedNeighbours.search(train: train, trainCount: 50, test: test, testCount: 4, dimension: dimension,
                                                 k: 5, workers: 2) { _, _, _ in Issue.record("visited a row") }
        #expect(screened == nil)
        // The classifier still answers (through the float product).
        let labels = (0..<50).map { $0 % 3 }
        #expect(KNNClassifier(k: 5).predict(train: train, trainLabels: labels, test: test, dimension: dimension, classCount: 3).count == 4)
    }

    @Test func predictionsMatchWithAndWithoutTheScreen() {
        let data = clusters(count: 3_000, classes: 10, dimension: 48, separation: 2.5, seed: 11)
        let test = clusters(count: 500, classes: 10, dimension: 48, separation: 2.5, seed: 12)
        let screened = KNNClassifier(screening: true).predictReporting(train: data.x, trainLabels: data.labels, test: test.x,
                                                                      dimension: 48, classCount: 10)
        let plain = KNNClassifier(screening: false).predictReporting(train: data.x, trainLabels: data.labels, test: test.x,
                                                                    dimension: 48, classCount: 10)
        #expect(screened.candidatesPerRow != nil && plain.candidatesPerRow == nil)
        #expect(screened.predictions == plain.predictions)
    }
}
