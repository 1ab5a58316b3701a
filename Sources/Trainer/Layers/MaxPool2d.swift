import TensorCore

/// 2×2 max pooling with stride 2 on [N, H, W, C] images (H and W even).
public final class MaxPool2d: Layer {
    public let height: Int
    public let width: Int
    public let channels: Int
    private let output = Tensor(shape: [0])
    private let inputGradient = Tensor(shape: [0])
    private var winners: [Int32] = []
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
        if winners.count < output.count { winners = [Int32](repeating: 0, count: output.count) }
        let x = input.data, y = output.data
        winners.withUnsafeMutableBufferPointer { best in
            for n in 0..<batch {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let outBase = ((n * oh + oy) * ow + ox) * c
                        let inBase = ((n * h + 2 * oy) * w + 2 * ox) * c
                        for j in 0..<c {
                            var index = inBase + j
                            if x[inBase + c + j] > x[index] { index = inBase + c + j }
                            if x[inBase + w * c + j] > x[index] { index = inBase + w * c + j }
                            if x[inBase + w * c + c + j] > x[index] { index = inBase + w * c + c + j }
                            y[outBase + j] = x[index]
                            best[outBase + j] = Int32(index)
                        }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        let batch = inputCount / (height * width * channels)
        inputGradient.resize(batch: batch, height: height, width: width, channels: channels)
        inputGradient.zero()
        let dx = inputGradient.data, dy = outputGradient.data
        winners.withUnsafeBufferPointer { best in
            for i in 0..<outputGradient.count { dx[Int(best[i])] += dy[i] }
        }
        return inputGradient
    }

    public func copy() -> Layer { MaxPool2d(height: height, width: width, channels: channels) }
}
