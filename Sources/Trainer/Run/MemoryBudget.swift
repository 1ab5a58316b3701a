import Foundation

/// What the runs of one process will hold in memory, estimated before anything is built, so
/// that images or a batch the machine cannot hold are refused with one line instead of
/// exhausting its memory (a 4096×4096 IDX set asks the mlp for a 64 GiB first layer).
///
/// The estimate errs high: parameters with their gradients, momenta and target copies, the
/// views of a batch with every layer's output and gradient, the MoCo queue, and the
/// representations and probe features of one evaluation.
public enum MemoryBudget {
    /// Bytes the process may still take: `WORKBENCH_MEMORY_LIMIT` when set (a number of bytes
    /// with an optional K, M or G; the tests use it to stay far from the OOM killer), else
    /// the kernel's MemAvailable; nil when neither can be read.
    public static func available() -> (bytes: Int, source: String)? {
        if let text = ProcessInfo.processInfo.environment["WORKBENCH_MEMORY_LIMIT"], let bytes = parseSize(text) {
            return (bytes, "WORKBENCH_MEMORY_LIMIT")
        }
        guard let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kib = Int(fields[1]) { return (kib * 1024, "available memory") }
        }
        return nil
    }

    /// "512M", "2G", "1048576" → bytes; nil when not a size.
    public static func parseSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        var scale = 1
        if let last = digits.last, let unit = units[last] { scale = unit; digits.removeLast() }
        guard let value = Int(digits), value > 0, value <= Int.max / scale else { return nil }
        return value * scale
    }

    /// Estimated peak bytes of one run of `config` on `side × side` images.
    public static func estimate(_ config: RunConfig, side: Int, channels: Int = 1, trainImages: Int, testImages: Int,
                                classCount: Int) -> Int {
        let pixels = Double(side) * Double(side) * Double(channels)
        let representation = Double(config.backbone.representationSize)
        let backboneParameters: Double
        let activationsPerView: Double
        switch config.backbone {
        case .mlp:
            backboneParameters = pixels * 1024 + 1024 * 512
            activationsPerView = 2 * (pixels + 4 * (1024 + 512))
        case .convnet:
            backboneParameters = 9 * (32 + 32 * 64 + 64 * 128)
            // Conv and BN outputs at 32, 16 and 8 channels per pixel, pools, im2col, and gradients.
            activationsPerView = 2 * pixels * (1 + 64 + 8 + 32 + 4 + 16 + 9)
        }
        let headParameters = representation * 1024 + 1024 * 128 + 2 * 128 * 1024
        // Value, gradient and momentum, and a target or key copy.
        let parameterFloats = 4 * (backboneParameters + headParameters)
        let views = 2 * Double(config.batch)
        let headActivations = 4 * (1024 + 128 + 1024 + 128)
        let stepFloats = views * (activationsPerView + Double(headActivations)) + views * views
        let queueFloats = config.method == .moco ? Double(config.settings.queueSize) * 128 : 0
        let evaluationFloats = 3 * Double(trainImages + testImages) * representation + Double(classCount) * representation
        return Int(min(4 * (parameterFloats + stepFloats + queueFloats + evaluationFloats), Double(Int.max / 2)))
    }

    /// The line refusing `configs` when together they need more memory than is available.
    public static func problem(_ configs: [RunConfig], data: Dataset) -> String? {
        guard let first = configs.first, let available = available() else { return nil }
        let needs = configs.map {
            estimate($0, side: data.side, channels: data.channels, trainImages: data.train.count, testImages: data.test.count, classCount: data.classCount)
        }
        let total = needs.reduce(0, +)
        guard total > available.bytes else { return nil }
        let what = configs.count == 1 ? "\(first.method.rawValue) with the \(first.backbone.rawValue) backbone"
                                      : "\(configs.count) runs with the \(first.backbone.rawValue) backbone"
        return "\(what) on \(data.side)×\(data.side) images at batch \(first.batch) needs about \(format(total)), "
            + "more than the \(format(available.bytes)) of \(available.source); use smaller images, a smaller --batch or fewer runs"
    }

    /// "1.5 GB", "270 MB".
    public static func format(_ bytes: Int) -> String {
        let value = Double(bytes)
        if value >= 1e9 { return String(format: "%.1f GB", value / 1e9) }
        return String(format: "%.0f MB", max(1, value / 1e6))
    }
}
