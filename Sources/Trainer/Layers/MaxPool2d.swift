import CKernels
import TensorCore

/// 2×2 max pooling with stride 2 on [N, H, W, C] images (H and W even).
public final class MaxPool2d: Layer {
    public let height: Int
    public let width: Int
    public let channels: Int
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    /// Which of its four inputs won each output (0…3), for the backward pass.
    private var winners: [UInt8] = []
    private var inputCount = 0

    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let c = channels, h = height, w = width, oh = h / 2, ow = w / 2
        let batch = input.count / (h * w * c)
        inputCount = input.count
        output.resize(batch: batch, height: oh, width: ow, channels: c)
        if winners.count < output.count { winners = [UInt8](repeating: 0, count: output.count) }
        winners.withUnsafeMutableBufferPointer { best in
            wb_maxpool2x2_forward(input.data, Int64(batch), Int64(h), Int64(w), Int64(c), output.data, best.baseAddress)
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        let batch = inputCount / (height * width * channels)
        inputGradient.resize(batch: batch, height: height, width: width, channels: channels)
        winners.withUnsafeBufferPointer { best in
            wb_maxpool2x2_backward(outputGradient.data, best.baseAddress, Int64(batch), Int64(height), Int64(width),
                                   Int64(channels), inputGradient.data)
        }
        return inputGradient
    }

    public func copy() -> Layer { MaxPool2d(height: height, width: width, channels: channels) }
}
