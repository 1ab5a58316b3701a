import Testing
import TensorCore
@testable import Trainer

/// The layers' vectorised C loops against plain references, on sizes that leave vector tails
/// (odd channel counts) and on ties, where a different choice would change gradients.
@Suite struct LayerKernelTests {
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return (0..<count).map { _ in rng.normal() }
    }

    @Test(arguments: [(301, 37), (2 * 6 * 6, 3), (64, 1024)])
    func fusedBatchNormReLUEqualsBatchNormThenReLU(rows: Int, channels: Int) {
        let fused = BatchNorm(channels: channels, relu: true), plain = BatchNorm(channels: channels)
        let relu = ReLU()
        for j in 0..<channels {
            for layer in [fused, plain] {
                layer.scale.value[j] = 0.5 + Float(j % 5) * 0.3
                layer.shift.value[j] = Float(j % 7) * 0.2 - 0.6
            }
        }
        let x = Tensor(shape: [rows, channels], values: Self.values(rows * channels, seed: 1))
        let dy = Tensor(shape: [rows, channels], values: Self.values(rows * channels, seed: 2))
        for training in [true, false] {
            let y = fused.forward(x, training: training).array
            let reference = relu.forward(plain.forward(x, training: training), training: training).array
            #expect(zip(y, reference).allSatisfy { abs($0 - $1) <= 1e-6 }, "forward, training \(training)")
            let dx = fused.backward(dy, needsInputGradient: true)!.array
            let dPlain = plain.backward(relu.backward(dy, needsInputGradient: true)!, needsInputGradient: true)!.array
            #expect(zip(dx, dPlain).allSatisfy { abs($0 - $1) <= 1e-5 }, "backward, training \(training)")
        }
        #expect(zip(fused.scale.accumulatedGradient().array, plain.scale.accumulatedGradient().array).allSatisfy { abs($0 - $1) <= 1e-3 })
        #expect(zip(fused.shift.accumulatedGradient().array, plain.shift.accumulatedGradient().array).allSatisfy { abs($0 - $1) <= 1e-3 })
    }

    @Test func batchNormStatisticsStayAccurateOverManyRows() {
        // 401,408 rows (512 views × 28 × 28) of a constant offset: float running sums would drift.
        let rows = 401_408
        let layer = BatchNorm(channels: 1, momentum: 1)
        let x = Tensor(shape: [rows, 1], values: (0..<rows).map { 1000 + Float($0 % 2) })
        _ = layer.forward(x, training: true)
        #expect(abs(layer.runningMean[0] - 1000.5) < 1e-3)
        #expect(abs(layer.runningVariance[0] - 0.25) < 1e-3)
        // The one pass sums around the first row: an outlier there (10 standard deviations
        // out) must not cost precision either.
        let values = [Float(1005)] + (1..<rows).map { 1000 + Float($0 % 2) }
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(rows)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(rows)
        _ = layer.forward(Tensor(shape: [rows, 1], values: values), training: true)
        #expect(abs(Double(layer.runningMean[0]) - mean) < 1e-3)
        #expect(abs(Double(layer.runningVariance[0]) - variance * Double(rows) / Double(rows - 1)) < 1e-4)
    }

    @Test func reluKeepsNaNAndZeroesNegatives() {
        let y = ReLU().forward(Tensor(shape: [5], values: [-1, 0, 2, .nan, -.infinity]), training: true).array
        #expect(y[0] == 0 && y[1] == 0 && y[2] == 2 && y[3].isNaN && y[4] == 0)
    }

    @Test(arguments: [1, 3, 37])
    func maxPoolMatchesAReferenceIncludingTies(channels: Int) {
        let batch = 2, side = 6
        // Values on a coarse grid so that many windows hold ties; the first in reading order wins.
        let x = Self.values(batch * side * side * channels, seed: UInt64(channels)).map { ($0 * 2).rounded() }
        let pool = MaxPool2d(height: side, width: side, channels: channels)
        let input = Tensor(shape: [batch, side, side, channels], values: x)
        let y = pool.forward(input, training: true).array
        let dy = Self.values(y.count, seed: 99)
        let dx = pool.backward(Tensor(shape: [batch, side / 2, side / 2, channels], values: dy), needsInputGradient: true)!.array
        var expectedDx = [Float](repeating: 0, count: x.count)
        for n in 0..<batch { for oy in 0..<(side / 2) { for ox in 0..<(side / 2) { for j in 0..<channels {
            let positions = [(0, 0), (0, 1), (1, 0), (1, 1)].map { dy, dx in
                ((n * side + 2 * oy + dy) * side + 2 * ox + dx) * channels + j
            }
            var best = positions[0]
            for p in positions.dropFirst() where x[p] > x[best] { best = p }
            let o = ((n * side / 2 + oy) * side / 2 + ox) * channels + j
            #expect(y[o] == x[best])
            expectedDx[best] = dy[o]
        } } } }
        #expect(dx == expectedDx)
    }
}

/// The convolution processes its batch a few images at a time; across chunk boundaries it must
/// agree with the convolution written out in full.
@Suite struct ConvolutionChunkTests {
    /// One channel takes the direct path (the first layer); two the gathered patches.
    @Test(arguments: [1, 2])
    func chunkedConvolutionMatchesTheDefinitionAcrossChunks(c: Int) throws {
        // 2,500 images of 5×5×c: chunks of 2,330 (c = 1) or 1,165 (c = 2) images, so the
        // batch spans two or three.
        let batch = 2_500, side = 5, out = 3
        var rng = RandomGenerator(seed: 21)
        let conv = Conv2d(inputChannels: c, outputChannels: out, height: side, width: side, bias: true, rng: &rng)
        let x = LayerKernelTests.values(batch * side * side * c, seed: 22)
        let input = Tensor(shape: [batch, side, side, c], values: x)
        let y = conv.forward(input, training: true).array
        let dy = LayerKernelTests.values(y.count, seed: 23)
        let dx = try #require(conv.backward(Tensor(shape: [batch, side, side, out], values: dy), needsInputGradient: true)).array
        let w = conv.weight.value.array, dw = conv.weight.accumulatedGradient().array
        let bias = try #require(conv.bias)

        var expectedY = [Float](repeating: 0, count: y.count), expectedDx = [Float](repeating: 0, count: x.count)
        var expectedDw = [Double](repeating: 0, count: dw.count), expectedDb = [Double](repeating: 0, count: out)
        for n in 0..<batch { for py in 0..<side { for px in 0..<side {
            let p = (n * side + py) * side + px
            for o in 0..<out {
                expectedY[p * out + o] += bias.value[o]
                expectedDb[o] += Double(dy[p * out + o])
            }
            for ky in 0..<3 { for kx in 0..<3 {
                let sy = py + ky - 1, sx = px + kx - 1
                guard sy >= 0, sy < side, sx >= 0, sx < side else { continue }
                let source = ((n * side + sy) * side + sx) * c
                for o in 0..<out { for j in 0..<c {
                    let tap = o * 9 * c + (ky * 3 + kx) * c + j
                    expectedY[p * out + o] += w[tap] * x[source + j]
                    expectedDx[source + j] += w[tap] * dy[p * out + o]
                    expectedDw[tap] += Double(dy[p * out + o]) * Double(x[source + j])
                } }
            } }
        } } }
        #expect(zip(y, expectedY).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(zip(dx, expectedDx).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(zip(dw, expectedDw).allSatisfy { abs(Double($0) - $1) < 1e-2 })
        #expect(zip(bias.accumulatedGradient().array, expectedDb).allSatisfy { abs(Double($0) - $1) < 1e-2 })
    }
}

/// Sums are combined in parts fixed by the sizes alone, so a run on one core and on two give
/// the same numbers bit for bit.
@Suite struct KernelThreadCountTests {
    @Test func batchNormIsBitIdenticalOnOneAndTwoThreads() {
        let rows = 5_000, channels = 37
        func run() -> [[Float]] {
            let layer = BatchNorm(channels: channels, relu: true)
            for j in 0..<channels { layer.shift.value[j] = Float(j % 3) * 0.2 - 0.2 }
            let x = Tensor(shape: [rows, channels], values: LayerKernelTests.values(rows * channels, seed: 40))
            let y = layer.forward(x, training: true).array
            let dx = layer.backward(Tensor(shape: [rows, channels], values: LayerKernelTests.values(rows * channels, seed: 41)),
                                    needsInputGradient: true)!.array
            return [y, dx, layer.scale.accumulatedGradient().array, layer.shift.accumulatedGradient().array, layer.runningVariance.array]
        }
        BLAS.setThreadCount(1)
        let one = run()
        BLAS.setThreadCount(2)
        let two = run()
        BLAS.setThreadCount(1)  // what the other tests in this process expect
        #expect(one == two)
    }
}
