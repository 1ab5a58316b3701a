import CKernels
import Foundation
import Synchronization

/// The k most cosine-similar train rows of every test row, found with an int8 screen and
/// exact float rescoring: the same neighbours as the float product, at a quarter of its
/// multiply cost on CPUs with AVX-512 VNNI.
///
/// Rows are quantised to bytes around their midrange (x ≈ x̂ = c + s·q, q ∈ [−127, 127]), so
/// for unit rows a, b the int8 estimate â·b̂ misses a·b by at most ‖a − â‖ + ‖â‖·‖b − b̂‖
/// (Cauchy–Schwarz), a bound known per row. Every train row whose upper bound reaches the k-th largest lower
/// bound is a candidate; the true k nearest are always among them (docs/performance.md).
/// Candidates (a few hundred of 60,000 on Fashion-MNIST) are rescored in float.
enum ScreenedNeighbours {
    /// Whether this CPU runs the int8 kernels.
    static let isAvailable = wb_int8_supported() != 0

    /// Widest rows the int32 accumulators hold exactly (255 · 127 · depth < 2^31).
    static let maximumDimension = 16_384

    /// Test rows per worker block (a multiple of the kernel's tile height).
    static let blockRows = 4 * Int(WB_TILE_ROWS)

    /// Calls `visit(row, similarities, trainIndices)` with the exact top-`k` of each test row
    /// (unordered), from `workers` threads at once, and returns the number of candidates
    /// rescored; nil, having visited nothing, when the screen cannot run here (no VNNI, rows
    /// too wide, or a non-finite value). `train` and `test` are unit rows of `dimension` floats.
    static func search(train: [Float], trainCount: Int, test: [Float], testCount: Int, dimension: Int, k: Int,
                       workers: Int,
                       visit: @Sendable (Int, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Int>) -> Void) -> Int? {
        guard isAvailable, dimension <= maximumDimension, trainCount > 0, testCount > 0, k > 0 else { return nil }
        let depth = (dimension + 3) & ~3
        guard let trainSide = QuantisedRows(train, rows: trainCount, paddedRows: trainCount, dimension: dimension,
                                            depth: depth, offset: 128, workers: workers),
              let testSide = QuantisedRows(test, rows: testCount, paddedRows: roundUp(testCount, Int(WB_TILE_ROWS)),
                                           dimension: dimension, depth: depth, offset: 0, workers: workers)
        else { return nil }
        let panelCount = (trainCount + Int(WB_PANEL_ROWS) - 1) / Int(WB_PANEL_ROWS)
        var panels = [UInt8](repeating: 0, count: panelCount * Int(WB_PANEL_ROWS) * depth)
        trainSide.bytes.withUnsafeBufferPointer { rows in
            panels.withUnsafeMutableBufferPointer { wb_pack_panels(rows.baseAddress, Int32(trainCount), Int32(depth), 128, $0.baseAddress) }
        }
        // Float rounding of the estimate and of the exact products, far below the int8 bound.
        let slack = 1e-4 + 4 * Float(dimension) * Float.ulpOfOne
        let neighbours = min(k, trainCount), stride = panelCount * Int(WB_PANEL_ROWS)
        let blocks = (testCount + blockRows - 1) / blockRows
        // The train side's row-major bytes are not needed past packing: only panels and codes travel on.
        let shared = SharedInputs(train: train, test: test, panels: panels, testSide: testSide,
                                  trainCodes: TrainCodes(trainSide.codes, paddedCount: panelCount * Int(WB_PANEL_ROWS)))
        let rescored = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, blocks))) { worker in
            var total = 0
            defer { rescored.withLock { $0 += total } }
            var scratch = ScreenScratch(blockRows: blockRows, stride: stride, trainCount: trainCount, k: neighbours)
            for block in Swift.stride(from: worker, to: blocks, by: max(1, min(workers, blocks))) {
                let first = block * blockRows, rows = min(blockRows, testCount - first)
                shared.estimates(first: first, rows: roundUp(rows, Int(WB_TILE_ROWS)), depth: depth, panelCount: panelCount,
                                 into: &scratch.estimates, stride: stride)
                for i in 0..<rows {
                    let row = first + i
                    let count = shared.candidates(row: row, estimates: scratch.estimates, offset: i * stride,
                                                  trainCount: trainCount, k: neighbours, slack: slack, scratch: &scratch)
                    shared.rescore(row: row, dimension: dimension, count: count, scratch: &scratch)
                    total += count
                    TopK.select(scratch.exact, from: 0, count: count, k: neighbours,
                                values: &scratch.values, indices: &scratch.positions)
                    for j in 0..<neighbours { scratch.indices[j] = Int(scratch.candidates[scratch.positions[j]]) }
                    scratch.values.withUnsafeBufferPointer { values in
                        scratch.indices.withUnsafeBufferPointer { indices in visit(row, values, indices) }
                    }
                }
            }
        }
        return rescored.withLock { $0 }
    }

    static func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }
}

/// Rows quantised to bytes, with the per-row numbers the estimate and its error bound need.
struct QuantisedRows: @unchecked Sendable {
    var bytes: [UInt8]
    var codes: [WBRowCode]

    /// nil when a row holds a NaN or an infinity. Rows past `rows` up to `paddedRows` hold q = 0.
    /// Quantised in `workers` slices at once.
    init?(_ x: [Float], rows: Int, paddedRows: Int, dimension: Int, depth: Int, offset: UInt8, workers: Int) {
        var bytes = [UInt8](repeating: offset, count: paddedRows * depth)
        var codes = [WBRowCode](repeating: WBRowCode(), count: paddedRows)
        let slices = max(1, min(workers, rows)), nonFinite = Mutex(0)
        x.withUnsafeBufferPointer { source in
            bytes.withUnsafeMutableBufferPointer { out in
                codes.withUnsafeMutableBufferPointer { code in
                    let shared = QuantiseBuffers(source: source, out: out, code: code)
                    DispatchQueue.concurrentPerform(iterations: slices) { slice in
                        let first = rows * slice / slices, last = rows * (slice + 1) / slices
                        let bad = wb_quantise_rows(shared.source.baseAddress! + first * dimension, Int32(last - first),
                                                   Int32(dimension), Int32(depth), Int32(offset),
                                                   shared.out.baseAddress! + first * depth, shared.code.baseAddress! + first)
                        if bad > 0 { nonFinite.withLock { $0 += Int(bad) } }
                    }
                }
            }
        }
        if nonFinite.withLock({ $0 }) > 0 { return nil }
        self.bytes = bytes
        self.codes = codes
    }
}

/// The buffers one quantisation writes, each slice only its own rows.
private struct QuantiseBuffers: @unchecked Sendable {
    let source: UnsafeBufferPointer<Float>
    let out: UnsafeMutableBufferPointer<UInt8>
    let code: UnsafeMutableBufferPointer<WBRowCode>
}

/// The train side's codes as one array per number, as the screen loads them.
struct TrainCodes: Sendable {
    let scale: [Float], centre: [Float], constant: [Float], residual: [Float]
    let largestResidual: Float

    /// Arrays of `paddedCount` values, zero past the rows.
    init(_ codes: [WBRowCode], paddedCount: Int) {
        let padding = [Float](repeating: 0, count: max(0, paddedCount - codes.count))
        scale = codes.map(\.scale) + padding
        centre = codes.map(\.centre) + padding
        constant = codes.map(\.constant) + padding
        residual = codes.map(\.residual) + padding
        largestResidual = residual.max() ?? 0
    }

    /// The C view of the arrays, valid inside `body`.
    func withPointers<R>(_ body: (WBTrainCodes) -> R) -> R {
        scale.withUnsafeBufferPointer { scale in
            centre.withUnsafeBufferPointer { centre in
                constant.withUnsafeBufferPointer { constant in
                    residual.withUnsafeBufferPointer { residual in
                        body(WBTrainCodes(scale: scale.baseAddress, centre: centre.baseAddress, constant: constant.baseAddress,
                                          residual: residual.baseAddress, largestResidual: largestResidual))
                    }
                }
            }
        }
    }
}

/// Read-only inputs of the search, shared by its workers.
private struct SharedInputs: @unchecked Sendable {
    let train: [Float], test: [Float], panels: [UInt8]
    let testSide: QuantisedRows, trainCodes: TrainCodes

    /// The estimates â·b̂ of `rows` test rows from `first` against every train row.
    func estimates(first: Int, rows: Int, depth: Int, panelCount: Int, into out: inout [Float], stride: Int) {
        testSide.bytes.withUnsafeBufferPointer { a in
            testSide.codes.withUnsafeBufferPointer { codes in
                panels.withUnsafeBufferPointer { p in
                    out.withUnsafeMutableBufferPointer { o in
                        trainCodes.withPointers { b in
                            let signed = UnsafeRawPointer(a.baseAddress! + first * depth).assumingMemoryBound(to: Int8.self)
                            wb_int8_estimates(signed, codes.baseAddress! + first, Int32(rows), Int32(depth), p.baseAddress,
                                              Int32(panelCount), b, o.baseAddress, Int32(stride))
                        }
                    }
                }
            }
        }
    }

    /// Train rows that may be among the `k` nearest of test row `row`, into `scratch.candidates`.
    func candidates(row: Int, estimates: [Float], offset: Int, trainCount: Int, k: Int, slack: Float,
                    scratch: inout ScreenScratch) -> Int {
        estimates.withUnsafeBufferPointer { e in
            trainCodes.withPointers { b in
                Int(wb_screen_row(e.baseAddress! + offset, Int32(trainCount), testSide.codes[row], b, slack, Int32(k),
                                  &scratch.work, &scratch.candidates))
            }
        }
    }

    func rescore(row: Int, dimension: Int, count: Int, scratch: inout ScreenScratch) {
        test.withUnsafeBufferPointer { q in
            wb_rescore(q.baseAddress! + row * dimension, train, Int32(dimension), scratch.candidates, Int32(count), &scratch.exact)
        }
    }
}

/// One worker's buffers, allocated once per search.
struct ScreenScratch {
    var estimates: [Float]
    var work: [Float], exact: [Float]
    var candidates: [Int32]
    var values: [Float], positions: [Int], indices: [Int]

    init(blockRows: Int, stride: Int, trainCount: Int, k: Int) {
        estimates = [Float](repeating: 0, count: blockRows * stride)
        work = [Float](repeating: 0, count: 2 * trainCount + 16)
        exact = [Float](repeating: 0, count: trainCount)
        candidates = [Int32](repeating: 0, count: trainCount + 16)
        values = [Float](repeating: 0, count: k)
        positions = [Int](repeating: 0, count: k)
        indices = positions
    }
}
