import CKernels
import TensorCore

/// Exponential moving average of a network: the momentum encoder of MoCo and the target
/// network of BYOL and the truncated triplet loss.
public enum MovingAverage {
    /// A target network that starts as an exact copy of `online`.
    public static func makeTarget(of online: Sequential) -> Sequential { online.copyNetwork() }

    /// target ← momentum · target + (1 − momentum) · online, for every parameter;
    /// BatchNorm running statistics are copied.
    public static func update(target: Sequential, from online: Sequential, momentum: Float) {
        for (t, o) in zip(target.parameters, online.parameters) {
            wb_moving_average(t.value.data, o.value.data, Int64(t.value.count), momentum)
        }
        for (t, o) in zip(target.buffers, online.buffers) {
            t.data.update(from: o.data, count: t.count)
        }
    }
}
