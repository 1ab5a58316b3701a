import Foundation

/// "Nice" axis ticks (steps of 1, 2, 2.5 or 5 × 10ⁿ) covering a range.
public enum Ticks {
    /// About `target` tick values spanning `range`, and the range widened to whole ticks.
    /// With `integers`, steps are whole numbers (for epochs and other counts).
    public static func nice(_ range: ClosedRange<Double>, target: Int = 6, integers: Bool = false) -> (values: [Double], range: ClosedRange<Double>) {
        var low = range.lowerBound, high = range.upperBound
        if !(high > low) {
            let pad = max(abs(low) * 0.1, 1)
            low -= pad
            high += pad
        }
        let rough = (high - low) / Double(max(target, 2))
        let magnitude = pow(10, floor(log10(rough)))
        let candidates = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.filter { !integers || ($0 >= 1 && $0 == $0.rounded()) }
        let step = candidates.first { $0 >= rough } ?? max(1, 10 * magnitude)
        let first = floor(low / step + 1e-9) * step, last = ceil(high / step - 1e-9) * step
        var values: [Double] = []
        var v = first
        while v <= last + step * 1e-6 {
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return (values, first...last)
    }

    /// A tick label with as many decimals as the step needs.
    public static func label(_ value: Double, step: Double) -> String {
        var decimals = 0
        while decimals < 6 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { break }
            decimals += 1
        }
        return String(format: "%.\(decimals)f", value)
    }
}
