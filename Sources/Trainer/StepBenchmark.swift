import Foundation
import TensorCore

/// Times the training step of the reference workloads (a BYOL step: two augmented views,
/// online backbone + projector + predictor, EMA target, SGD), split into its phases.
public struct StepBenchmark {
    /// Median milliseconds per phase over the timed steps.
    public struct Result: Sendable {
        public var augmentation = 0.0, forward = 0.0, backward = 0.0, update = 0.0
        public var total: Double { augmentation + forward + backward + update }
        public var imagesPerSecond = 0.0
    }

    public let backbone: Backbone
    public let batch: Int

    public init(backbone: Backbone, batch: Int) {
        self.backbone = backbone
        self.batch = batch
    }

    /// Runs `warmup` untimed steps then `steps` timed ones on `data`.
    public func run(on data: Dataset, steps: Int, warmup: Int = 2) -> Result {
        var rng = RandomGenerator(seed: 1)
        let encoder = Sequential([
            Architectures.backbone(backbone, imageSide: data.side, rng: &rng),
            Architectures.projector(inputs: backbone.representationSize, rng: &rng),
        ])
        let predictor = Architectures.predictor(rng: &rng)
        let target = MovingAverage.makeTarget(of: encoder)
        let optimizer = SGD(parameters: encoder.parameters + predictor.parameters)
        let augmenter = Augmenter(recipe: .forBackbone(backbone), side: data.side, mean: data.mean, std: data.std)
        let views = Tensor(shape: [0, 0]), swapped = Tensor(shape: [0, 0])
        let loss = NegativeCosineLoss()
        var indices = Array(0..<data.train.count)
        rng.shuffle(&indices)
        var phases: [[Double]] = [[], [], [], []]
        let n = min(batch, data.train.count)
        for step in 0..<(warmup + steps) {
            let start = (step * n) % max(1, data.train.count - n)
            var t = DispatchTime.now().uptimeNanoseconds
            func lap(_ phase: Int) {
                let now = DispatchTime.now().uptimeNanoseconds
                if step >= warmup { phases[phase].append(Double(now - t) / 1e6) }
                t = now
            }
            augmenter.makeViews(of: data.train, indices: indices[start..<(start + n)], into: views, rng: &rng)
            swapped.resize(views.shape)
            let half = n * views.rowSize
            swapped.data.update(from: views.data + half, count: half)
            (swapped.data + half).update(from: views.data, count: half)
            lap(0)
            let prediction = predictor.forward(encoder.forward(views, training: true), training: true)
            let targets = target.forward(swapped, training: true)
            _ = loss(prediction: prediction, target: targets)
            lap(1)
            optimizer.zeroGradients()
            if let g = predictor.backward(loss.gradient, needsInputGradient: true) {
                _ = encoder.backward(g, needsInputGradient: false)
            }
            lap(2)
            optimizer.step(learningRate: 0.06)
            MovingAverage.update(target: target, from: encoder, momentum: 0.99)
            lap(3)
        }
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        }
        var result = Result()
        result.augmentation = median(phases[0])
        result.forward = median(phases[1])
        result.backward = median(phases[2])
        result.update = median(phases[3])
        result.imagesPerSecond = result.total > 0 ? Double(n) / (result.total / 1000) : 0
        return result
    }
}
