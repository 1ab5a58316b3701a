import Foundation
import Vocabulary

/// An experiment file: a JSON object naming the runs of one experiment, so that a
/// comparison or an ablation is a file that can be shipped, read and run again.
///
///     {
///       "description": "Figure 1 at workbench scale",
///       "data": "fmnist-20k", "backbone": "mlp", "epochs": 20, "batch": 256,
///       "seeds": [0, 1, 2],
///       "methods": ["simclr", "moco", "byol", "triplet", "supervised"],
///       "triplet": { "skip": [1, 10], "deputies": [9] }
///     }
///
/// Every key but `methods` is optional; the runs are every method × seed, and for
/// `triplet` every skip × deputies. Unknown keys are refused, so a typo is not ignored.
public struct ExperimentFile: Sendable, Equatable {
    public var description = ""
    public var data: String?
    public var backbone: Backbone = .mlp
    public var epochs: Int?
    public var batch = 256
    public var learningRate: Float?
    public var trainSize: Int?
    /// Fit the linear probe every this many epochs (and at the last); nil: every epoch.
    public var probeEvery: Int?
    public var seeds: [UInt64] = [0]
    public var methods: [MethodKind] = []
    public var skips: [Int] = [1]
    public var deputies: [Int] = [9]
    public var gamma: Float = 2
    public var margin: Float = 100
    public var medianNegative = false
    /// Where the runs go when the command names no `--out`.
    public var out: String?

    static let keys: Set<String> = ["description", "data", "backbone", "epochs", "batch", "lr", "train_size", "seeds",
                                    "methods", "probe_every", "triplet", "out"]
    static let tripletKeys: Set<String> = ["skip", "deputies", "gamma", "margin", "negative"]

    /// Reads and validates an experiment file.
    public static func read(path: String) throws(DataError) -> ExperimentFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(path, FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such experiment file")
        }
        return try parse(data, path: path)
    }

    /// Validates the bytes of an experiment file; `path` only names it in errors.
    public static func parse(_ data: Data, path: String) throws(DataError) -> ExperimentFile {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw DataError(path, "not valid JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "parse error"))")
        }
        guard let top = object as? [String: Any] else { throw DataError(path, "must hold a JSON object") }
        let reader = FieldReader(path: path)
        try reader.refuseUnknown(top, allowed: keys, in: "")
        var file = ExperimentFile()
        file.description = try reader.string(top, "description") ?? ""
        file.data = try reader.string(top, "data")
        if let name = try reader.string(top, "backbone") {
            guard let backbone = Backbone(rawValue: name) else {
                throw DataError(path, "\"backbone\": '\(name)' is not one of \(Backbone.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            file.backbone = backbone
        }
        file.epochs = try reader.integer(top, "epochs", atLeast: 1)
        file.batch = try reader.integer(top, "batch", atLeast: 2) ?? 256
        file.learningRate = try reader.positive(top, "lr").map(Float.init)
        file.trainSize = try reader.integer(top, "train_size", atLeast: 2)
        file.probeEvery = try reader.integer(top, "probe_every", atLeast: 1).flatMap { $0 > 1 ? $0 : nil }
        if let seeds = try reader.integers(top, "seeds", atLeast: 0) { file.seeds = seeds.map(UInt64.init) }
        guard let methodNames = try reader.strings(top, "methods") else { throw DataError(path, "\"methods\" is missing") }
        file.methods = try methodNames.map { name throws(DataError) in
            guard let kind = MethodKind(rawValue: name) else {
                throw DataError(path, "\"methods\": '\(name)' is not one of \(MethodKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
        file.out = try reader.string(top, "out")
        if let triplet = top["triplet"] {
            guard let settings = triplet as? [String: Any] else { throw DataError(path, "\"triplet\" must be an object") }
            try reader.refuseUnknown(settings, allowed: tripletKeys, in: "triplet.")
            if let skips = try reader.integers(settings, "skip", atLeast: 0, prefix: "triplet.") { file.skips = skips }
            if let deputies = try reader.integers(settings, "deputies", atLeast: 1, prefix: "triplet.") { file.deputies = deputies }
            file.gamma = try reader.positive(settings, "gamma", prefix: "triplet.").map(Float.init) ?? 2
            file.margin = try reader.positive(settings, "margin", prefix: "triplet.").map(Float.init) ?? 100
            switch try reader.string(settings, "negative", prefix: "triplet.") {
            case nil, "truncated": break
            case "median": file.medianNegative = true
            case let other?: throw DataError(path, "\"triplet.negative\": '\(other)' is not truncated or median")
            }
        }
        let runs = file.runCount
        guard runs <= maximumRuns else { throw DataError(path, "names \(runs) runs; an experiment holds at most \(maximumRuns)") }
        return file
    }

    /// At most this many runs in one experiment: more is a typo, not a plan.
    public static let maximumRuns = 1000

    /// How many runs `configs` makes.
    public var runCount: Int {
        let tripletRuns = medianNegative ? 1 : skips.count * deputies.count
        let perSeed = methods.reduce(0) { $0 + ($1 == .triplet ? tripletRuns : 1) }
        let (total, overflow) = seeds.count.multipliedReportingOverflow(by: perSeed)
        return overflow ? Int.max : total
    }

    /// The runs of the experiment, one config each, in the order they are listed.
    public func configs(defaultData: String) -> [RunConfig] {
        var configs: [RunConfig] = []
        for seed in seeds {
            for method in methods {
                var base = RunConfig(method: method, backbone: backbone, data: data ?? defaultData, trainLimit: trainSize,
                                     epochs: epochs, batch: batch, learningRate: learningRate, seed: seed)
                base.probeEvery = probeEvery
                base.settings.gamma = gamma
                base.settings.margin = margin
                base.settings.medianNegative = medianNegative
                guard method == .triplet, !medianNegative else {
                    configs.append(base)
                    continue
                }
                for deputies in deputies {
                    for skip in skips {
                        var c = base
                        c.settings.skip = skip
                        c.settings.deputies = deputies
                        configs.append(c)
                    }
                }
            }
        }
        return configs
    }
}

/// Typed reads from a JSON object with one-line errors naming the key.
private struct FieldReader {
    let path: String

    func fail(_ key: String, _ problem: String) -> DataError { DataError(path, "\"\(key)\" \(problem)") }

    func refuseUnknown(_ object: [String: Any], allowed: Set<String>, in prefix: String) throws(DataError) {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw DataError(path, "unknown key \"\(prefix)\(unknown)\" (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ object: [String: Any], _ key: String, prefix: String = "") throws(DataError) -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value as? String else { throw fail(prefix + key, "must be a string") }
        return text
    }

    func strings(_ object: [String: Any], _ key: String) throws(DataError) -> [String]? {
        guard let value = object[key] else { return nil }
        guard let list = value as? [Any], !list.isEmpty else { throw fail(key, "must be a non-empty list of strings") }
        return try list.map { item throws(DataError) in
            guard let text = item as? String else { throw fail(key, "must be a non-empty list of strings") }
            return text
        }
    }

    /// A JSON number (true and false also arrive as NSNumber, with type code "c").
    func number(_ value: Any) -> Double? {
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        return number.doubleValue
    }

    /// Only exact whole numbers are integers.
    func wholeNumber(_ value: Any) -> Int? {
        guard let double = number(value) else { return nil }
        guard double.isFinite, double == double.rounded(), abs(double) < 1e15 else { return nil }
        return Int(double)
    }

    func integer(_ object: [String: Any], _ key: String, atLeast minimum: Int, prefix: String = "") throws(DataError) -> Int? {
        guard let value = object[key] else { return nil }
        guard let n = wholeNumber(value), n >= minimum else { throw fail(prefix + key, "must be an integer ≥ \(minimum)") }
        return n
    }

    func integers(_ object: [String: Any], _ key: String, atLeast minimum: Int, prefix: String = "") throws(DataError) -> [Int]? {
        guard let value = object[key] else { return nil }
        let problem = "must be a non-empty list of integers ≥ \(minimum)"
        guard let list = value as? [Any], !list.isEmpty, list.count <= 10_000 else { throw fail(prefix + key, problem) }
        return try list.map { item throws(DataError) in
            guard let n = wholeNumber(item), n >= minimum else { throw fail(prefix + key, problem) }
            return n
        }
    }

    func positive(_ object: [String: Any], _ key: String, prefix: String = "") throws(DataError) -> Double? {
        guard let value = object[key] else { return nil }
        guard let x = number(value), x > 0, x < Double(Float.greatestFiniteMagnitude), Float(x) > 0 else {
            throw fail(prefix + key, "must be a positive number")
        }
        return x
    }
}
