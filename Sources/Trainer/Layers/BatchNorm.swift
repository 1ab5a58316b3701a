import Foundation
import TensorCore

/// Batch normalisation over the last dimension.
///
/// For [N, C] input this is BatchNorm1d; for images in [N, H, W, C] layout every pixel is
/// a row, so the same code is BatchNorm2d (statistics over batch and space per channel).
/// Training mode normalises with the batch statistics and updates the running ones
/// (momentum 0.1, unbiased variance, as PyTorch); evaluation mode uses the running ones.
public final class BatchNorm: Layer {
    public let channels: Int
    public let epsilon: Float
    public let momentum: Float
    public let scale: Parameter
    public let shift: Parameter
    public let runningMean: Tensor
    public let runningVariance: Tensor

    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private let normalised = Tensor(shape: [0])
    private let inverseStd: Tensor
    private let mean: Tensor
    private let sumGradient: Tensor
    private let sumGradientNormalised: Tensor
    private var trainedLast = true

    public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        scale = Parameter(name: "bn.scale", shape: [channels], isWeight: false)
        shift = Parameter(name: "bn.shift", shape: [channels], isWeight: false)
        scale.value.fill(1)
        runningMean = Tensor(shape: [channels])
        runningVariance = Tensor(shape: [channels])
        runningVariance.fill(1)
        inverseStd = Tensor(shape: [channels])
        mean = Tensor(shape: [channels])
        sumGradient = Tensor(shape: [channels])
        sumGradientNormalised = Tensor(shape: [channels])
    }

    public var parameters: [Parameter] { [scale, shift] }
    public var buffers: [Tensor] { [runningMean, runningVariance] }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let c = channels
        let rows = input.count / c
        output.resize(input.shape)
        normalised.resize(input.shape)
        trainedLast = training
        let x = input.data, m = mean.data, s = inverseStd.data
        if training {
            mean.zero()
            for r in 0..<rows {
                let row = x + r * c
                for j in 0..<c { m[j] += row[j] }
            }
            let inverseRows = 1 / Float(max(rows, 1))
            for j in 0..<c { m[j] *= inverseRows }
            inverseStd.zero()  // holds the variance sum until converted below
            for r in 0..<rows {
                let row = x + r * c
                for j in 0..<c {
                    let d = row[j] - m[j]
                    s[j] += d * d
                }
            }
            let unbiasing = rows > 1 ? Float(rows) / Float(rows - 1) : 1
            for j in 0..<c {
                let variance = s[j] * inverseRows
                runningMean[j] = (1 - momentum) * runningMean[j] + momentum * m[j]
                runningVariance[j] = (1 - momentum) * runningVariance[j] + momentum * variance * unbiasing
                s[j] = 1 / (variance + epsilon).squareRoot()
            }
        } else {
            for j in 0..<c {
                m[j] = runningMean[j]
                s[j] = 1 / (runningVariance[j] + epsilon).squareRoot()
            }
        }
        let g = scale.value.data, b = shift.value.data
        let xhat = normalised.data, y = output.data
        for r in 0..<rows {
            let offset = r * c
            for j in 0..<c {
                let value = (x[offset + j] - m[j]) * s[j]
                xhat[offset + j] = value
                y[offset + j] = g[j] * value + b[j]
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let c = channels
        let rows = outputGradient.count / c
        let dy = outputGradient.data, xhat = normalised.data
        let sumDy = sumGradient.data, sumDyXhat = sumGradientNormalised.data
        sumGradient.zero()
        sumGradientNormalised.zero()
        for r in 0..<rows {
            let offset = r * c
            for j in 0..<c {
                sumDy[j] += dy[offset + j]
                sumDyXhat[j] += dy[offset + j] * xhat[offset + j]
            }
        }
        let dScale = scale.gradient.data, dShift = shift.gradient.data
        for j in 0..<c {
            dScale[j] += sumDyXhat[j]
            dShift[j] += sumDy[j]
        }
        guard needsInputGradient else { return nil }
        inputGradient.resize(outputGradient.shape)
        let dx = inputGradient.data, g = scale.value.data, s = inverseStd.data
        if trainedLast {
            // dx = γ·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂))
            let inverseRows = 1 / Float(max(rows, 1))
            for j in 0..<c {
                sumDy[j] *= inverseRows
                sumDyXhat[j] *= inverseRows
            }
            for r in 0..<rows {
                let offset = r * c
                for j in 0..<c {
                    dx[offset + j] = g[j] * s[j] * (dy[offset + j] - sumDy[j] - xhat[offset + j] * sumDyXhat[j])
                }
            }
        } else {
            for r in 0..<rows {
                let offset = r * c
                for j in 0..<c { dx[offset + j] = g[j] * s[j] * dy[offset + j] }
            }
        }
        return inputGradient
    }

    public func copy() -> Layer {
        let result = BatchNorm(channels: channels, epsilon: epsilon, momentum: momentum)
        result.scale.value.copy(from: scale.value)
        result.shift.value.copy(from: shift.value)
        result.runningMean.copy(from: runningMean)
        result.runningVariance.copy(from: runningVariance)
        return result
    }
}
