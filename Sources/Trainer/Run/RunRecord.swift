import Analysis
import Foundation

/// Where a run stands. `failed`: its files could not be written (read-only, vanished or
/// full output folder); what was written before stays, and `--resume` continues from it.
public enum RunStatus: String, Sendable, Codable {
    case queued, running, paused, done, diverged, stopped, failed
}

/// The contents of `run.json`: what the run is, on what data, and how it went.
public struct RunRecord: Sendable, Codable, Equatable {
    public var name: String
    public var config: RunConfig
    public var status: RunStatus
    /// Why the run stopped, when it did not finish normally.
    public var message: String?
    public var dataSet: String
    public var dataChecksum: String
    public var trainImages: Int
    public var testImages: Int
    public var programVersion: String
    public var startedAt: Date
    public var endedAt: Date?
    public var epochsCompleted: Int
    /// How accuracies are measured (absent in runs from before version 0.3).
    public var evaluation: EvaluationProtocol?

    public init(name: String, config: RunConfig, dataSet: String, dataChecksum: String,
                trainImages: Int, testImages: Int) {
        self.name = name
        self.config = config
        status = .running
        self.dataSet = dataSet
        self.dataChecksum = dataChecksum
        self.trainImages = trainImages
        self.testImages = testImages
        programVersion = WorkbenchVersion.current
        startedAt = Date()
        epochsCompleted = 0
    }
}
