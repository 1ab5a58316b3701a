import CKernels
import Foundation
import TensorCore

/// Batch normalisation over the last dimension, optionally followed by a fused ReLU.
///
/// For [N, C] input this is BatchNorm1d; for images in [N, H, W, C] layout every pixel is
/// a row, so the same code is BatchNorm2d (statistics over batch and space per channel).
/// Training mode normalises with the batch statistics and updates the running ones
/// (momentum 0.1, unbiased variance, as PyTorch); evaluation mode uses the running ones.
/// With `relu` the output is max(0, ·) of the affine output, in the same pass over memory,
/// and the backward pass masks the gradient there. The normalised values are not stored:
/// the backward pass recomputes them from the input (which, like every layer's input, must
/// stay unchanged until then), one write of the whole activation less per step.
public final class BatchNorm: Layer {
    public let channels: Int
    public let epsilon: Float
    public let momentum: Float
    /// Whether a ReLU follows the affine output inside this layer.
    public let relu: Bool
    public let scale: Parameter
    public let shift: Parameter
    public let runningMean: Tensor
    public let runningVariance: Tensor

    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private var savedInput: Tensor?
    private let inverseStd: Tensor
    private let mean: Tensor
    private let variance: Tensor
    private let sumGradient: Tensor
    private let sumGradientNormalised: Tensor
    /// Double-precision accumulators of the kernels.
    private var work: [Double]
    private var trainedLast = true

    public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1, relu: Bool = false) {
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        self.relu = relu
        scale = Parameter(name: "bn.scale", shape: [channels], isWeight: false)
        shift = Parameter(name: "bn.shift", shape: [channels], isWeight: false)
        scale.value.fill(1)
        runningMean = Tensor(shape: [channels])
        runningVariance = Tensor(shape: [channels])
        runningVariance.fill(1)
        inverseStd = Tensor(shape: [channels])
        mean = Tensor(shape: [channels])
        variance = Tensor(shape: [channels])
        sumGradient = Tensor(shape: [channels])
        sumGradientNormalised = Tensor(shape: [channels])
        work = [Double](repeating: 0, count: Int(wb_batchnorm_work_size(Int64(channels))))
    }

    public var parameters: [Parameter] { [scale, shift] }
    public var buffers: [Tensor] { [runningMean, runningVariance] }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let c = channels
        let rows = input.count / c
        output.resize(input.shape)
        savedInput = input
        trainedLast = training
        let m = mean.data, s = inverseStd.data
        if training {
            work.withUnsafeMutableBufferPointer { work in
                wb_batchnorm_statistics(input.data, Int64(rows), Int64(c), m, variance.data, work.baseAddress)
            }
            let unbiasing = rows > 1 ? Float(rows) / Float(rows - 1) : 1
            for j in 0..<c {
                runningMean[j] = (1 - momentum) * runningMean[j] + momentum * m[j]
                runningVariance[j] = (1 - momentum) * runningVariance[j] + momentum * variance[j] * unbiasing
                s[j] = 1 / (variance[j] + epsilon).squareRoot()
            }
        } else {
            for j in 0..<c {
                m[j] = runningMean[j]
                s[j] = 1 / (runningVariance[j] + epsilon).squareRoot()
            }
        }
        wb_batchnorm_apply(input.data, Int64(rows), Int64(c), m, s, scale.value.data, shift.value.data,
                           relu ? 1 : 0, output.data)
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard let x = savedInput?.data else { preconditionFailure("BatchNorm.backward called before forward") }
        let c = channels
        let rows = outputGradient.count / c
        let sumG = sumGradient.data, sumGNormalised = sumGradientNormalised.data
        let g = scale.value.data, b = shift.value.data
        work.withUnsafeMutableBufferPointer { work in
            wb_batchnorm_gradient_sums(outputGradient.data, x, mean.data, inverseStd.data, Int64(rows), Int64(c), g, b,
                                       relu ? 1 : 0, sumG, sumGNormalised, work.baseAddress)
        }
        let dScale = scale.accumulatedGradient().data, dShift = shift.accumulatedGradient().data
        for j in 0..<c {
            dScale[j] += sumGNormalised[j]
            dShift[j] += sumG[j]
        }
        guard needsInputGradient else { return nil }
        inputGradient.resize(outputGradient.shape)
        // Training: dx = γ·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)); evaluation: γ·σ⁻¹·g (zero means).
        let inverseRows = trainedLast ? 1 / Float(max(rows, 1)) : 0
        for j in 0..<c {
            sumG[j] *= inverseRows
            sumGNormalised[j] *= inverseRows
        }
        wb_batchnorm_input_gradient(outputGradient.data, x, mean.data, inverseStd.data, Int64(rows), Int64(c), g, b,
                                    relu ? 1 : 0, sumG, sumGNormalised, inputGradient.data)
        return inputGradient
    }

    public func copy() -> Layer {
        let result = BatchNorm(channels: channels, epsilon: epsilon, momentum: momentum, relu: relu)
        result.scale.value.copy(from: scale.value)
        result.shift.value.copy(from: shift.value)
        result.runningMean.copy(from: runningMean)
        result.runningVariance.copy(from: runningVariance)
        return result
    }
}
