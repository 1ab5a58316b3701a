import Evaluation
import Foundation
import Vocabulary

/// The runs of a submitted experiment, resolved (every method × seed × setting, with the
/// flags given on top), kept in its output folder as `experiment-runs.json`: what each
/// array task reads to find its run, so that the task → run mapping stays as submitted
/// whatever happens later to the experiment file it came from.
public struct ExperimentRuns: Sendable, Codable, Equatable {
    public static let fileName = "experiment-runs.json"

    public var description: String
    public var runs: [RunConfig]

    public init(description: String, runs: [RunConfig]) {
        self.description = description
        self.runs = runs
    }

    public static func path(in folder: String) -> String { folder + "/" + fileName }

    /// The runs submitted into `folder`, or nil when none were.
    public static func read(in folder: String) throws(RunError) -> ExperimentRuns? {
        let path = path(in: folder)
        guard let bytes = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw RunError("\(path): cannot be read") }
            return nil
        }
        do { return try JSONDecoder().decode(ExperimentRuns.self, from: bytes) } catch {
            throw RunError("\(path): is not a list of submitted runs (\(RunFolder.reason(error)))")
        }
    }

    public func write(in folder: String) throws(RunError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes: Data
        do { bytes = try encoder.encode(self) } catch { throw RunError("cannot encode the experiment's runs") }
        do { try AtomicFile.write(bytes, to: Self.path(in: folder)) } catch { throw RunError(error.description) }
    }
}
