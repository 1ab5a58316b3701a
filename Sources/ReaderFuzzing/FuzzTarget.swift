import Foundation
import Trainer

/// Every reader of bytes that come from outside the program, as one entry point each for
/// the fuzzers (`make fuzz`, libFuzzer) and the smoke test in the suite. A reader may
/// accept or refuse its input with an error; it must never crash, hang or exhaust memory.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// IDX image and label files, plain or gzipped (`--data` folders).
    case idx
    /// One image of a PNG class folder (`--data` folders), grey or colour.
    case png
    /// One image of a JPEG class folder (`--data` folders).
    case jpeg
    /// A CIFAR-10 batch file and a CIFAR-100 file (`--data cifar10`, `cifar100`).
    case cifar
    /// An STL-10 image file and label file (`--data stl10`).
    case stl10
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
            guard let image = try? ImageFolder.decode(bytes, path: name + ".png") else { return false }
            return ImageFolder.rgb(image, side: 28).count == 28 * 28 * 3
        case .jpeg:
            guard let image = try? ImageFolder.decode(bytes, path: name + ".jpg") else { return false }
            return ImageFolder.rgb(image, side: 28).count == 28 * 28 * 3
        case .cifar:
            var pixels: [UInt8] = [], labels: [Int] = []
            let ten: Bool = bytes.withUnsafeBytes { raw in
                (try? CIFARBinary.decode(raw, path: name, variant: .cifar10, pixels: &pixels, labels: &labels)) != nil
            }
            pixels = []
            labels = []
            let hundred: Bool = bytes.withUnsafeBytes { raw in
                (try? CIFARBinary.decode(raw, path: name, variant: .cifar100(coarse: false), pixels: &pixels, labels: &labels)) != nil
            }
            return ten || hundred
        case .stl10:
            let images = try? STL10Binary.decodeImages(bytes, path: name)
            let labels = try? STL10Binary.decodeLabels(bytes, path: name)
            return images != nil || labels != nil
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
