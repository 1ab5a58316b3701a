import Foundation

/// Turns what a user typed after `--data` into a data set.
///
/// Names: `fmnist` (all 60,000 training images), `fmnist-20k` (the first 20,000),
/// `synthetic` (generated grey shapes), `colour-N` (generated colour shapes in N classes),
/// `cifar10`, `cifar100` (fine labels), `cifar100-coarse`, `stl10` (self-supervised runs
/// train on the labelled train split), `stl10-unlabeled` (on the 100,000 unlabeled images)
/// and `stl10+unlabeled` (on both). The benchmark files are looked for in the data folder
/// (`$WORKBENCH_DATA_DIR`, else `~/datasets`). Anything else is a folder: one holding IDX
/// files, or a folder of PNG/JPEG images with one sub-folder per class.
///
/// Image folders take options after a `?`, which run files keep with the name so that a
/// resumed run loads the same images: `side=N` (resize to N×N, default 28), `grey` (one
/// channel) or `colour` (three), e.g. `photos?side=64`.
public enum DataCatalog {
    public static let names = ["fmnist", "fmnist-20k", "synthetic", "colour-N", "cifar10", "cifar100", "cifar100-coarse",
                               "stl10", "stl10-unlabeled", "stl10+unlabeled"]

    /// The Fashion-MNIST folder: `$WORKBENCH_FMNIST_DIR` when set, else Debian's location.
    public static var fashionMNISTDirectory: String {
        ProcessInfo.processInfo.environment["WORKBENCH_FMNIST_DIR"] ?? FashionMNIST.defaultDirectory
    }

    /// Where `cifar10`, `cifar100` and `stl10` are looked for: `$WORKBENCH_DATA_DIR`, else `~/datasets`.
    public static var dataDirectory: String {
        if let set = ProcessInfo.processInfo.environment["WORKBENCH_DATA_DIR"], !set.isEmpty { return set }
        return (NSHomeDirectory() as NSString).appendingPathComponent("datasets")
    }

    /// The embedded default: fmnist-20k when Fashion-MNIST is installed, else synthetic.
    public static var defaultName: String {
        FashionMNIST.looksPresent(in: fashionMNISTDirectory) ? "fmnist-20k" : "synthetic"
    }

    /// `spec` with image-folder options added (nil: unchanged); the options are refused for names.
    public static func spec(_ data: String, side: Int?, channels: Int?) -> String {
        var options: [String] = []
        if let side { options.append("side=\(side)") }
        if let channels { options.append(channels == 1 ? "grey" : "colour") }
        guard !options.isEmpty else { return data }
        return data + (data.contains("?") ? "&" : "?") + options.joined(separator: "&")
    }

    /// - Parameter dataDirectory: where the benchmarks' folders are (tests give their own).
    public static func load(_ spec: String, dataDirectory: String = DataCatalog.dataDirectory) throws(DataError) -> Dataset {
        let (base, options) = try split(spec)
        if !options.isEmpty, !isFolderSpec(base) {
            throw DataError(spec, "side= and grey/colour apply to image folders only; \(base) has fixed images")
        }
        switch base {
        case "fmnist":
            return try FashionMNIST.load(directory: fashionMNISTDirectory, name: "fmnist")
        case "fmnist-20k":
            return try FashionMNIST.load(directory: fashionMNISTDirectory, name: "fmnist-20k", trainLimit: 20_000)
        case "synthetic":
            return SyntheticShapes.dataset()
        case "cifar10":
            return try cifar(.cifar10, name: base, in: dataDirectory)
        case "cifar100":
            return try cifar(.cifar100(coarse: false), name: base, in: dataDirectory)
        case "cifar100-coarse":
            return try cifar(.cifar100(coarse: true), name: base, in: dataDirectory)
        case "stl10", "stl10-unlabeled", "stl10+unlabeled":
            let splits: TrainingSplits = base == "stl10" ? .train : (base == "stl10-unlabeled" ? .unlabeled : .trainAndUnlabeled)
            guard let folder = STL10Binary.folder(in: dataDirectory) else {
                throw DataError(base, missing("STL-10", folder: STL10Binary.folderName, archive: STL10Binary.archive, in: dataDirectory))
            }
            return try STL10Binary.load(folder: folder, name: base, splits: splits)
        default:
            if base.hasPrefix("colour-") {
                guard let classes = Int(base.dropFirst("colour-".count)), SyntheticColours.classRange.contains(classes) else {
                    throw DataError(base, "colour-N takes a class count N from \(SyntheticColours.classRange.lowerBound) to \(SyntheticColours.classRange.upperBound), e.g. colour-100")
                }
                return SyntheticColours.dataset(classes: classes)
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base, isDirectory: &isFolder) else {
                throw DataError(base, "no such data set or folder (names: \(names.joined(separator: ", ")))")
            }
            guard isFolder.boolValue else { throw DataError(base, "is a file; --data takes a name or a folder") }
            let data: Dataset
            if FashionMNIST.looksPresent(in: base) {
                guard options.isEmpty else { throw DataError(spec, "side= and grey/colour apply to image folders, not IDX files") }
                data = try FashionMNIST.load(directory: base, name: (base as NSString).lastPathComponent, custom: true)
            } else {
                data = try ImageFolder.load(path: base, side: options.side ?? ImageFolder.defaultSide, channels: options.channels)
            }
            if let problem = data.evaluationProblem { throw DataError(base, problem) }
            return data
        }
    }

    /// Image-folder options of a spec.
    struct Options {
        var side: Int?
        var channels: Int?
        var isEmpty: Bool { side == nil && channels == nil }
    }

    static func isFolderSpec(_ base: String) -> Bool {
        !names.contains(base) && !base.hasPrefix("colour-")
    }

    /// The name or folder, and the options after `?`.
    static func split(_ spec: String) throws(DataError) -> (String, Options) {
        guard let mark = spec.lastIndex(of: "?") else { return (spec, Options()) }
        let base = String(spec[..<mark])
        var options = Options()
        for item in spec[spec.index(after: mark)...].split(separator: "&") {
            if item == "grey" || item == "gray" { options.channels = 1 } else if item == "colour" || item == "color" {
                options.channels = 3
            } else if item.hasPrefix("side="), let side = Int(item.dropFirst(5)), (4...512).contains(side) {
                options.side = side
            } else {
                throw DataError(spec, "unknown image-folder option '\(item)' (side=N with N from 4 to 512, grey, colour)")
            }
        }
        return (base, options)
    }

    static func cifar(_ variant: CIFARBinary.Variant, name: String, in dataDirectory: String) throws(DataError) -> Dataset {
        guard let folder = CIFARBinary.folder(for: variant, in: dataDirectory) else {
            let title = variant.classCount == 10 ? "CIFAR-10" : "CIFAR-100"
            throw DataError(name, missing(title, folder: variant.folder, archive: variant.archive, in: dataDirectory))
        }
        return try CIFARBinary.load(folder: folder, variant: variant, name: name)
    }

    /// The one line that says where to get a benchmark and where to put it.
    static func missing(_ title: String, folder: String, archive: String, in dataDirectory: String) -> String {
        let file = (archive as NSString).lastPathComponent
        return "\(title) is not in \(dataDirectory)/\(folder); download \(archive) (the binary version) and unpack it there with `tar -xzf \(file) -C \(dataDirectory)`, or set WORKBENCH_DATA_DIR to the folder that holds \(folder)/ (the workbench never downloads)"
    }
}
