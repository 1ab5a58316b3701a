import Evaluation
import Foundation
import Vocabulary

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
    /// Every process that trained the run, from the first epoch it trained: a run resumed
    /// by another build, BLAS or thread count says so (those round differently in the last
    /// bits). Absent in runs from before it was kept; earlier resumes are not listed.
    public var trainedBy: [TrainingSegment]?
    /// The images' shape and normalisation, which images trained the network and with which
    /// view recipe (absent in runs from before colour data).
    public var data: DataDescription?

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

/// One process's share of a run: from which epoch it trained, with what.
public struct TrainingSegment: Sendable, Codable, Equatable {
    public var fromEpoch: Int
    public var programVersion: String
    /// The BLAS library and the kernel it chose, e.g. "BLIS zen3".
    public var blas: String
    public var threads: Int
    public var startedAt: Date
    /// The host, pid and Slurm job of the process (absent in runs from before it was kept).
    public var place: ProcessPlace?

    public init(fromEpoch: Int, programVersion: String, blas: String, threads: Int, startedAt: Date,
                place: ProcessPlace? = .current) {
        self.fromEpoch = fromEpoch
        self.programVersion = programVersion
        self.blas = blas
        self.threads = threads
        self.startedAt = startedAt
        self.place = place
    }
}

/// What run.json says about the data a run saw.
public struct DataDescription: Sendable, Codable, Equatable {
    public var side: Int
    public var channels: Int
    /// Per channel, from the training split (grey: one value).
    public var normalisation: Normalisation
    /// Which images trained the network: "train", "unlabeled" or "train+unlabeled". kNN and
    /// the linear probe always use the labelled train split as memory bank and the test split
    /// as queries.
    public var trainedOn: TrainingSplits
    public var trainingImages: Int
    /// The view recipe: "mlp", "convnet" or "colour" (docs/reference-workloads.md).
    public var augmentation: String

    public init(data: Dataset, trainedOn: TrainingSplits, trainingImages: Int, augmentation: String) {
        side = data.side
        channels = data.channels
        normalisation = data.normalisation
        self.trainedOn = trainedOn
        self.trainingImages = trainingImages
        self.augmentation = augmentation
    }
}
