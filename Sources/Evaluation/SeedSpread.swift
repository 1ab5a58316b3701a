/// Runs that differ only in their seed, summarised per epoch: the curves in figures and on
/// screen are the mean, with the lowest and highest seed as a band.
public enum SeedSpread {
    /// `items` grouped by `key`, the groups in the order their first member appears.
    public static func groups<T>(_ items: [T], key: (T) -> String) -> [(name: String, members: [T])] {
        var order: [String] = [], members: [String: [T]] = [:]
        for item in items {
            let name = key(item)
            if members[name] == nil { order.append(name) }
            members[name, default: []].append(item)
        }
        return order.map { ($0, members[$0] ?? []) }
    }

    /// Mean and sample standard deviation of `values` over seeds (std nil with one value);
    /// nil for no values.
    public static func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double?)? {
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, nil) }
        return (mean, (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot())
    }

    /// Mean, lowest and highest value at each epoch over `curves` (finite values only).
    public static func perEpoch(_ curves: [[(epoch: Int, value: Double)]]) -> [(epoch: Int, mean: Double, low: Double, high: Double)] {
        var byEpoch: [Int: [Double]] = [:]
        for curve in curves { for point in curve where point.value.isFinite { byEpoch[point.epoch, default: []].append(point.value) } }
        return byEpoch.keys.sorted().map { epoch in
            let values = byEpoch[epoch] ?? []
            return (epoch, values.reduce(0, +) / Double(max(values.count, 1)), values.min() ?? 0, values.max() ?? 0)
        }
    }
}
