import Foundation

/// Turns what a user typed after `--data` into a data set.
///
/// Names: `fmnist` (all 60,000 training images), `fmnist-20k` (the first 20,000),
/// `synthetic` (generated, needs no files). Anything else is a folder: one holding the
/// Fashion-MNIST IDX files, or a folder of PNGs with one sub-folder per class.
public enum DataCatalog {
    public static let names = ["fmnist", "fmnist-20k", "synthetic"]

    /// The Fashion-MNIST folder: `$WORKBENCH_FMNIST_DIR` when set, else Debian's location.
    public static var fashionMNISTDirectory: String {
        ProcessInfo.processInfo.environment["WORKBENCH_FMNIST_DIR"] ?? FashionMNIST.defaultDirectory
    }

    /// The embedded default: fmnist-20k when Fashion-MNIST is installed, else synthetic.
    public static var defaultName: String {
        FashionMNIST.looksPresent(in: fashionMNISTDirectory) ? "fmnist-20k" : "synthetic"
    }

    public static func load(_ spec: String) throws(DataError) -> Dataset {
        switch spec {
        case "fmnist":
            return try FashionMNIST.load(directory: fashionMNISTDirectory, name: "fmnist")
        case "fmnist-20k":
            return try FashionMNIST.load(directory: fashionMNISTDirectory, name: "fmnist-20k", trainLimit: 20_000)
        case "synthetic":
            return SyntheticShapes.dataset()
        default:
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: spec, isDirectory: &isFolder) else {
                throw DataError(spec, "no such data set or folder (names: \(names.joined(separator: ", ")))")
            }
            guard isFolder.boolValue else { throw DataError(spec, "is a file; --data takes a name or a folder") }
            let data = FashionMNIST.looksPresent(in: spec)
                ? try FashionMNIST.load(directory: spec, name: (spec as NSString).lastPathComponent, custom: true)
                : try PNGFolder.load(path: spec)
            if let problem = data.evaluationProblem { throw DataError(spec, problem) }
            return data
        }
    }
}
