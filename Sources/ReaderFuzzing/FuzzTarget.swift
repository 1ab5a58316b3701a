import Foundation
import Trainer

/// Every reader of bytes that come from outside the program, as one entry point each for
/// the fuzzers (`make fuzz`, libFuzzer) and the smoke test in the suite. A reader may
/// accept or refuse its input with an error; it must never crash, hang or exhaust memory.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// IDX image and label files, plain or gzipped (`--data` folders).
    case idx
    /// One image of a PNG class folder (`--data` folders).
    case png
    /// `checkpoint.bin`, read by `--resume`.
    case checkpoint
    /// `run.json`, read by `--resume` and `export`.
    case runRecord = "run-record"
    /// `metrics.csv`, read by `--resume` and `export`.
    case metrics
    /// `class-distances.csv`, read by `export`.
    case classDistances = "class-distances"
    /// Experiment files given to `--config`.
    case experiment

    /// Feeds `bytes` to the reader; true when they were accepted as valid.
    @discardableResult
    public func run(_ bytes: [UInt8]) -> Bool {
        let name = "fuzz-input"
        switch self {
        case .idx:
            let image = try? IDXFile.decode(bytes, path: name, expectedMagic: IDXFile.imageMagic)
            let labels = try? IDXFile.decode(bytes, path: name, expectedMagic: IDXFile.labelMagic)
            return image != nil || labels != nil
        case .png:
            return (try? PNGFolder.decode(bytes, path: name, side: 28)) != nil
        case .checkpoint:
            // As stored, and with a valid checksum appended, so the fuzzer reaches the
            // fields behind the CRC check instead of stopping there every time.
            let stored = try? Checkpoint.decode(Data(bytes), path: name)
            let sealed = try? Checkpoint.decode(Checkpoint.sealed(bytes), path: name)
            return stored != nil || sealed != nil
        case .runRecord:
            guard let record = try? RunFolder.decodeRecord(Data(bytes), path: name) else { return false }
            return record.config.problems().isEmpty
        case .metrics:
            return (try? RunFolder.decodeMetrics(Data(bytes), path: name)) != nil
        case .classDistances:
            return RunFolder.decodeCentreDistances(Data(bytes)) != nil
        case .experiment:
            guard let file = try? ExperimentFile.parse(Data(bytes), path: name) else { return false }
            return file.configs(defaultData: "synthetic").allSatisfy { $0.problems().isEmpty }
        }
    }
}
