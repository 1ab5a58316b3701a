import Foundation
import Testing
import TensorCore
@testable import Trainer

@Suite struct OptimizerTests {
    /// One weight and one bias-like parameter with fixed values and gradients.
    func makeParameters() -> (Parameter, Parameter) {
        let w = Parameter(name: "w", shape: [2], isWeight: true)
        let b = Parameter(name: "b", shape: [1], isWeight: false)
        w.value[0] = 1; w.value[1] = -2
        w.accumulatedGradient()[0] = 0.5; w.accumulatedGradient()[1] = 0.25
        b.value[0] = 3; b.accumulatedGradient()[0] = -1
        return (w, b)
    }

    @Test func sgdMomentumAndWeightDecayMatchHandComputedSteps() {
        let (w, b) = makeParameters()
        let sgd = SGD(parameters: [w, b], momentum: 0.9, weightDecay: 0.1)
        sgd.step(learningRate: 0.5)
        // w0: g = 0.5 + 0.1·1 = 0.6, v = 0.6, w = 1 − 0.3 = 0.7
        // w1: g = 0.25 + 0.1·(−2) = 0.05, v = 0.05, w = −2.025
        // b:  no decay, g = −1, v = −1, b = 3.5
        #expect(abs(w.value[0] - 0.7) < 1e-6)
        #expect(abs(w.value[1] - -2.025) < 1e-6)
        #expect(abs(b.value[0] - 3.5) < 1e-6)
        sgd.step(learningRate: 0.5)
        // w0: g = 0.5 + 0.07 = 0.57, v = 0.9·0.6 + 0.57 = 1.11, w = 0.7 − 0.555 = 0.145
        // b:  v = −0.9 − 1 = −1.9, b = 3.5 + 0.95 = 4.45
        #expect(abs(w.value[0] - 0.145) < 1e-6)
        #expect(abs(b.value[0] - 4.45) < 1e-5)
    }

    @Test func larsScalesWeightsByTrustRatioAndLeavesExcludedParametersAlone() {
        let (w, b) = makeParameters()
        let lars = LARS(parameters: [w, b], momentum: 0.9, weightDecay: 0.1, trustCoefficient: 0.01)
        // ‖w‖ = √5, ‖g‖ = √0.3125; ratio = 0.01·√5 / (√0.3125 + 0.1·√5)
        let expected = Float(0.01 * 5.0.squareRoot() / (0.3125.squareRoot() + 0.1 * 5.0.squareRoot()))
        #expect(abs(lars.trustRatio(for: w) - expected) < 1e-6)
        #expect(lars.trustRatio(for: b) == 1)
        lars.step(learningRate: 2)
        #expect(abs(w.value[0] - (1 - 2 * expected * 0.6)) < 1e-6)
        #expect(abs(w.value[1] - (-2 - 2 * expected * 0.05)) < 1e-6)
        #expect(abs(b.value[0] - 5) < 1e-6)  // 3 − 2·(−1), no decay, no scaling
    }

    /// Clearing a gradient writes nothing; a layer's product then overwrites the stale values
    /// and other layers see zeros, so a step after a clear equals a step from fresh zeros.
    @Test func clearedGradientsCountAsZeros() {
        var rng = RandomGenerator(seed: 31)
        let network = Sequential([Linear(inputs: 6, outputs: 5, bias: true, rng: &rng), BatchNorm(channels: 5),
                                  Linear(inputs: 5, outputs: 3, bias: false, rng: &rng)])
        let x = GradientCheck.randomTensor([4, 6], seed: 32), dy = GradientCheck.randomTensor([4, 3], seed: 33)
        func step() -> [[Float]] {
            _ = network.forward(x, training: true)
            _ = network.backward(dy, needsInputGradient: false)
            return network.parameters.map { $0.accumulatedGradient().array }
        }
        let once = step()
        let twice = step()  // no clear: the second backward adds to the first
        for (a, b) in zip(once, twice) { #expect(zip(a, b).allSatisfy { abs(2 * $0 - $1) <= 1e-5 * max(1, abs($1)) }) }
        for p in network.parameters { p.accumulatedGradient().data.update(repeating: .nan, count: p.accumulatedGradient().count) }
        network.zeroGradients()
        #expect(network.parameters.allSatisfy { $0.accumulatedGradient().array.allSatisfy { $0 == 0 } }, "reads as zeros")
        for p in network.parameters { p.accumulatedGradient().data.update(repeating: .nan, count: p.accumulatedGradient().count) }
        network.zeroGradients()
        #expect(step() == once, "stale values (NaN here) must not leak into the next gradient")
    }

    @Test func cosineScheduleWarmsUpThenDecaysToZero() {
        let s = CosineSchedule(baseRate: 0.06, warmupSteps: 10, totalSteps: 110)
        #expect(abs(s.rate(at: 0) - 0.006) < 1e-7)
        #expect(abs(s.rate(at: 9) - 0.06) < 1e-7)
        #expect(abs(s.rate(at: 10) - 0.06) < 1e-7)
        #expect(abs(s.rate(at: 60) - 0.03) < 1e-6)  // halfway through the decay
        #expect(s.rate(at: 110) < 1e-7)
        var previous = Float.infinity
        for step in 10...110 {
            #expect(s.rate(at: step) <= previous)
            previous = s.rate(at: step)
        }
    }

    @Test func movingAverageBlendsParametersAndCopiesBuffers() {
        var rng = RandomGenerator(seed: 1)
        let online = Sequential([Linear(inputs: 3, outputs: 2, bias: false, rng: &rng), BatchNorm(channels: 2)])
        let target = MovingAverage.makeTarget(of: online)
        #expect(target.parameters[0].value.array == online.parameters[0].value.array)
        let before = target.parameters[0].value.array
        for p in online.parameters { p.value.fill(1) }
        online.buffers[0].fill(0.25)
        MovingAverage.update(target: target, from: online, momentum: 0.9)
        let after = target.parameters[0].value.array
        for (a, b) in zip(after, before) { #expect(abs(a - (0.9 * b + 0.1)) < 1e-6) }
        #expect(target.buffers[0].array == [0.25, 0.25])
        // The copy is independent of the original.
        online.parameters[0].value.fill(5)
        #expect(target.parameters[0].value[0] != 5)
    }

    @Test func referenceNetworksHaveTheSpecifiedShapes() {
        var rng = RandomGenerator(seed: 2)
        let input = Tensor(shape: [4, 784])
        for i in 0..<input.count { input[i] = rng.uniform(-1, 1) }
        for backbone in Backbone.allCases {
            let net = Architectures.backbone(backbone, rng: &rng)
            let rep = net.forward(input, training: true)
            #expect(rep.shape == [4, backbone.representationSize])
            let projector = Architectures.projector(inputs: backbone.representationSize, rng: &rng)
            #expect(projector.forward(rep, training: true).shape == [4, 128])
        }
        let predictor = Architectures.predictor(rng: &rng)
        #expect(predictor.forward(Tensor(shape: [4, 128]), training: true).shape == [4, 128])
        // mlp: 784·1024 + 1024·512 weights + 2·(1024 + 512) BN parameters
        #expect(Architectures.backbone(.mlp, rng: &rng).parameterCount == 784 * 1024 + 1024 * 512 + 2 * 1536)
    }
}
