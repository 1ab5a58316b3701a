import Foundation

/// Learning rate rising linearly over the warm-up steps, then decaying to zero on a
/// half cosine at the last step of the run.
public struct CosineSchedule: Sendable, Equatable {
    public let baseRate: Float
    public let warmupSteps: Int
    public let totalSteps: Int

    public init(baseRate: Float, warmupSteps: Int, totalSteps: Int) {
        self.baseRate = baseRate
        self.warmupSteps = max(0, min(warmupSteps, totalSteps))
        self.totalSteps = max(1, totalSteps)
    }

    /// The rate for step `step` (0-based).
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return baseRate * Float(step + 1) / Float(warmupSteps) }
        let decaySteps = max(1, totalSteps - warmupSteps)
        let progress = min(1, Double(step - warmupSteps) / Double(decaySteps))
        return baseRate * Float(0.5 * (1 + cos(Double.pi * progress)))
    }
}
