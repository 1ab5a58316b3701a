import Testing
import TensorCore
@testable import Trainer

@Suite struct LayerGradientTests {
    let tolerance: Float = 2e-2

    @Test func linear() {
        var rng = RandomGenerator(seed: 1)
        let layer = Linear(inputs: 7, outputs: 5, rng: &rng)
        let e = GradientCheck.check(layer, input: GradientCheck.randomTensor([6, 7], seed: 2))
        #expect(e.input < tolerance)
        #expect(e.parameters < tolerance)
    }

    @Test func batchNormTrainingMode() {
        let layer = BatchNorm(channels: 4)
        for i in 0..<4 {
            layer.scale.value[i] = 0.5 + Float(i) * 0.3
            layer.shift.value[i] = Float(i) * 0.1 - 0.2
        }
        let e = GradientCheck.check(layer, input: GradientCheck.randomTensor([9, 4], seed: 3))
        #expect(e.input < tolerance)
        #expect(e.parameters < tolerance)
    }

    @Test func batchNormEvaluationMode() {
        let layer = BatchNorm(channels: 3)
        for i in 0..<3 {
            layer.runningMean[i] = Float(i) * 0.2
            layer.runningVariance[i] = 0.5 + Float(i)
            layer.scale.value[i] = 1.5 - Float(i) * 0.4
        }
        let e = GradientCheck.check(layer, input: GradientCheck.randomTensor([5, 3], seed: 4), training: false)
        #expect(e.input < tolerance)
        #expect(e.parameters < tolerance)
    }

    @Test func batchNorm2dOverImages() {
        let layer = BatchNorm(channels: 3)
        layer.scale.value[1] = 2
        let e = GradientCheck.check(layer, input: GradientCheck.randomTensor([2, 4, 4, 3], seed: 5))
        #expect(e.input < tolerance)
        #expect(e.parameters < tolerance)
    }

    @Test func batchNormWithFusedReLU() {
        // Shifts put two channels far on either side of the kink and two near it.
        let layer = BatchNorm(channels: 4, relu: true)
        let shifts: [Float] = [3, -3, 0.4, -0.3]
        for i in 0..<4 {
            layer.scale.value[i] = 0.6 + Float(i) * 0.2
            layer.shift.value[i] = shifts[i]
        }
        let e = GradientCheck.check(layer, input: GradientCheck.randomTensor([9, 4], seed: 30), epsilon: 1e-3)
        #expect(e.input < tolerance)
        #expect(e.parameters < tolerance)
    }

    @Test func relu() {
        let e = GradientCheck.check(ReLU(), input: GradientCheck.randomTensor([4, 6], seed: 6, margin: 0.05))
        #expect(e.input < tolerance)
    }

    @Test func conv2d() {
        var rng = RandomGenerator(seed: 7)
        let layer = Conv2d(inputChannels: 2, outputChannels: 3, height: 5, width: 5, bias: true, rng: &rng)
        let e = GradientCheck.check(layer, input: GradientCheck.randomTensor([2, 5, 5, 2], seed: 8), probes: 60)
        #expect(e.input < tolerance)
        #expect(e.parameters < tolerance)
    }

    @Test func maxPool() {
        // Distinct values spaced well apart so the winner does not change under ±ε.
        var rng = RandomGenerator(seed: 9)
        var values = (0..<(2 * 4 * 4 * 3)).map { Float($0) * 0.1 }
        for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, rng.below(i + 1)) }
        let input = Tensor(shape: [2, 4, 4, 3], values: values)
        let e = GradientCheck.check(MaxPool2d(height: 4, width: 4, channels: 3), input: input, epsilon: 1e-2)
        #expect(e.input < tolerance)
    }

    @Test func globalAveragePool() {
        let e = GradientCheck.check(GlobalAveragePool(channels: 3), input: GradientCheck.randomTensor([2, 3, 3, 3], seed: 10))
        #expect(e.input < tolerance)
    }

    @Test func l2Normalize() {
        let e = GradientCheck.check(L2Normalize(), input: GradientCheck.randomTensor([4, 6], seed: 11, margin: 0.2))
        #expect(e.input < tolerance)
    }

    @Test func sequentialMLPBlock() {
        var rng = RandomGenerator(seed: 12)
        let net = Sequential([
            Linear(inputs: 6, outputs: 8, bias: false, rng: &rng), BatchNorm(channels: 8), L2Normalize(),
            Linear(inputs: 8, outputs: 3, rng: &rng),
        ])
        // No ReLU here (tested alone above): a kink crossed by ±ε would blur the chain rule under test.
        let e = GradientCheck.check(net, input: GradientCheck.randomTensor([10, 6], seed: 13))
        #expect(e.input < tolerance)
        #expect(e.parameters < tolerance)
    }

    @Test func smallConvnetEndToEnd() {
        var rng = RandomGenerator(seed: 14)
        let net = Sequential([
            Conv2d(inputChannels: 1, outputChannels: 4, height: 4, width: 4, rng: &rng),
            BatchNorm(channels: 4), MaxPool2d(height: 4, width: 4, channels: 4), GlobalAveragePool(channels: 4),
        ])
        let e = GradientCheck.check(net, input: GradientCheck.randomTensor([3, 4, 4, 1], seed: 15), epsilon: 5e-3)
        #expect(e.input < 5e-2)
        #expect(e.parameters < 5e-2)
    }

    @Test func negativeCosineLossGradient() {
        let p = GradientCheck.randomTensor([5, 4], seed: 16), z = GradientCheck.randomTensor([5, 4], seed: 17)
        let loss = NegativeCosineLoss()
        _ = loss(prediction: p, target: z)
        let analytic = loss.gradient.array
        let eps: Float = 1e-2
        let numeric = (0..<p.count).map { i -> Float in
            let saved = p[i]
            p[i] = saved + eps
            let plus = loss(prediction: p, target: z)
            p[i] = saved - eps
            let minus = loss(prediction: p, target: z)
            p[i] = saved
            return (plus - minus) / (2 * eps)
        }
        #expect(GradientCheck.relativeError(analytic, numeric) < tolerance)
        // Identical directions give zero loss; opposite give 4.
        let same = loss(prediction: p, target: p)
        #expect(abs(same) < 1e-5)
        let negated = Tensor(shape: p.shape, values: p.array.map { -$0 })
        #expect(abs(loss(prediction: p, target: negated) - 4) < 1e-4)
    }
}
