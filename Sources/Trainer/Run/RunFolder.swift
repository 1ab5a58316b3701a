import Evaluation
import Foundation
import Vocabulary

/// One run's folder: `run.json`, `metrics.csv` and `checkpoint.bin`, each replaced
/// atomically so that a killed process leaves the previous complete version behind.
public struct RunFolder: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var recordPath: String { path + "/run.json" }
    public var metricsPath: String { path + "/metrics.csv" }
    public var checkpointPath: String { path + "/checkpoint.bin" }
    public var centresPath: String { path + "/class-distances.csv" }
    public var referencesPath: String { path + "/references.json" }

    public func write(_ references: ReferenceLines) throws(RunError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try AtomicFile.write(try encoder.encode(references), to: referencesPath) } catch let error as AtomicFile.WriteError {
            throw RunError(error.description)
        } catch {
            throw RunError("\(referencesPath): cannot encode the reference lines")
        }
    }

    /// The run's reference lines; nil when absent or unreadable (older runs have none).
    public func readReferences() -> ReferenceLines? {
        FileManager.default.contents(atPath: referencesPath).flatMap { try? JSONDecoder().decode(ReferenceLines.self, from: $0) }
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: recordPath) }

    /// True for a name that is one path component: not empty, no `/`, not `.` or `..`, no
    /// control characters.
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 255 && name != "." && name != ".." && !name.contains("/")
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Why `path` cannot be an output folder (empty, or an existing file), or nil. An empty
    /// `--out` would put run folders at the filesystem root.
    public static func outputProblem(_ path: String) -> String? {
        if path.trimmingCharacters(in: .whitespaces).isEmpty { return "the output folder is empty; name a folder" }
        if path.contains("\u{0}") { return "the output folder's name contains a NUL byte" }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
            return "\(path): is a file, not a folder; choose another output folder"
        }
        return nil
    }

    public func create() throws(RunError) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw RunError("\(path): cannot create the run folder (\(error.localizedDescription))")
        }
    }

    public func readRecord() throws(RunError) -> RunRecord {
        guard let data = FileManager.default.contents(atPath: recordPath) else {
            throw RunError("\(recordPath): cannot be read")
        }
        return try Self.decodeRecord(data, path: recordPath)
    }

    /// Validates the bytes of a `run.json`; `path` only names it in errors.
    public static func decodeRecord(_ data: Data, path: String) throws(RunError) -> RunRecord {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let record: RunRecord
        do { record = try decoder.decode(RunRecord.self, from: data) } catch {
            throw RunError("\(path): not a valid run record (\(Self.reason(error)))")
        }
        // The name becomes file names (an export's heat map): one plain path component only.
        guard RunFolder.isPlainName(record.name) else {
            throw RunError("\(path): not a valid run record (name \"\(record.name)\" is not a plain folder name)")
        }
        return record
    }

    public func write(_ record: RunRecord) throws(RunError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        do {
            try AtomicFile.write(try encoder.encode(record), to: recordPath)
        } catch let error as AtomicFile.WriteError {
            throw RunError(error.description)
        } catch {
            throw RunError("\(recordPath): cannot encode the run record")
        }
    }

    /// Writes the whole metrics table (header and one row per epoch).
    public func writeMetrics(_ rows: [EpochMetrics], run: String, method: MethodKind) throws(RunError) {
        let text = EpochMetrics.csvHeader + EpochMetrics.csv(rows, run: run, method: method)
        do { try AtomicFile.write(text, to: metricsPath) } catch { throw RunError(error.description) }
    }

    public func readMetrics() throws(RunError) -> [EpochMetrics] {
        guard let data = FileManager.default.contents(atPath: metricsPath) else { return [] }
        return try Self.decodeMetrics(data, path: metricsPath)
    }

    /// Validates the bytes of a `metrics.csv`; `path` only names it in errors.
    public static func decodeMetrics(_ data: Data, path: String) throws(RunError) -> [EpochMetrics] {
        let rows = CSV.parse(String(decoding: data, as: UTF8.self))
        guard let header = rows.first, let reader = EpochMetricsReader(header: header) else {
            throw RunError("\(path): header lacks run, method or epoch; not a metrics file")
        }
        var metrics: [EpochMetrics] = []
        for (index, row) in rows.dropFirst().enumerated() {
            guard let parsed = reader.read(row) else {
                throw RunError("\(path): row \(index + 2) is malformed")
            }
            metrics.append(parsed)
        }
        return metrics
    }

    /// The latest epoch's class-centre distance matrix, with the class names as header.
    public func writeCentreDistances(_ distances: [Double], classNames: [String]) throws(RunError) {
        var text = classNames.map(CSV.quote).joined(separator: ",") + "\n"
        let n = classNames.count
        for r in 0..<n {
            text += (0..<n).map { String(format: "%.4f", distances[r * n + $0]) }.joined(separator: ",") + "\n"
        }
        do { try AtomicFile.write(text, to: centresPath) } catch { throw RunError(error.description) }
    }

    /// The run's metrics and identity, for exports; validates what it reads. `record`: the
    /// run.json the caller read already.
    public func readRunMetrics(record known: RunRecord? = nil) throws(RunError) -> RunMetrics {
        let record: RunRecord
        if let known { record = known } else { record = try readRecord() }
        let rows = try readMetrics()
        var unreadable: [String] = []
        if !FileManager.default.fileExists(atPath: metricsPath) { unreadable.append("\(metricsPath): missing; the run has no epochs to show") }
        let centreBytes = FileManager.default.contents(atPath: centresPath)
        let centres = centreBytes.flatMap(Self.decodeCentreDistances)
        if centreBytes != nil && centres == nil {
            unreadable.append("\(centresPath): malformed (not a C × C table of finite distances); its heat map is left out")
        }
        let referenceBytes = FileManager.default.contents(atPath: referencesPath)
        let references = readReferences()
        if referenceBytes != nil && references == nil {
            unreadable.append("\(referencesPath): not valid reference lines; the raw-pixel and random-init lines are left out")
        }
        var metrics = RunMetrics(record.config.identity, run: record.name, rows: rows, centreDistances: centres?.distances,
                                 classNames: centres?.classNames ?? [])
        metrics.references = references?.analysis
        metrics.unreadable = unreadable
        metrics.evaluation = record.evaluation
        metrics.forkedFrom = record.config.fork.map { ($0.parentName, $0.epoch) }
        metrics.configKey = record.config.configKey
        metrics.folder = path
        metrics.batch = record.config.batch
        metrics.finished = record.status.hasEnded
        metrics.plannedEpochs = record.config.epochs
        return metrics
    }

    /// The class names and C × C distances of a `class-distances.csv`; nil when malformed
    /// (the heat map is then left out, the rest of the run still loads).
    public static func decodeCentreDistances(_ data: Data) -> (classNames: [String], distances: [Double])? {
        let table = CSV.parse(String(decoding: data, as: UTF8.self))
        guard let header = table.first, !header.isEmpty, table.count == header.count + 1 else { return nil }
        let values = table.dropFirst().flatMap { $0.compactMap(Double.init) }
        guard values.count == header.count * header.count, values.allSatisfy(\.isFinite) else { return nil }
        return (header, values)
    }

    public func write(_ checkpoint: Checkpoint) throws(RunError) {
        do { try AtomicFile.write(checkpoint.encoded(), to: checkpointPath) } catch { throw RunError(error.description) }
    }

    public func readCheckpoint() throws(RunError) -> Checkpoint? {
        guard FileManager.default.fileExists(atPath: checkpointPath) else { return nil }
        guard let data = FileManager.default.contents(atPath: checkpointPath) else {
            throw RunError("\(checkpointPath): cannot be read")
        }
        do { return try Checkpoint.decode(data, path: checkpointPath) } catch { throw RunError(error.description) }
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.dataCorrupted: "not JSON"
        default: "\(error)"
        }
    }
}
