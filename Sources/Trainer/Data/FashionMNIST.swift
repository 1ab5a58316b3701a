import Foundation

/// Fashion-MNIST from its four IDX files (gzipped or not).
public enum FashionMNIST {
    /// Where Debian's `dataset-fashion-mnist` package puts the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    /// Normalisation of the reference workloads.
    public static let mean: Float = 0.2860
    public static let std: Float = 0.3530
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// True when `directory` holds the training images under either file name.
    public static func looksPresent(in directory: String) -> Bool {
        (try? locate("train-images-idx3-ubyte", in: directory)) != nil
    }

    /// Loads train and test splits; `trainLimit` keeps only the first images of the train split.
    /// - Parameter custom: a user's own IDX folder: labels 0…255 named by their numbers, and
    ///   normalised with the training split's own mean and standard deviation instead of
    ///   Fashion-MNIST's class names and reference values.
    public static func load(directory: String, name: String, trainLimit: Int? = nil,
                            custom: Bool = false) throws(DataError) -> Dataset {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw DataError(directory, "no such folder (install Fashion-MNIST with `apt-get install dataset-fashion-mnist`, or pass --data synthetic)")
        }
        let labelLimit = custom ? 256 : classNames.count
        var train = try loadSplit(images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte", in: directory,
                                  classCount: labelLimit)
        let test = try loadSplit(images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte", in: directory,
                                 classCount: labelLimit)
        guard train.side == test.side else {
            throw DataError(directory, "train images are \(train.side)×\(train.side) but test images are \(test.side)×\(test.side)")
        }
        if let trainLimit { train = train.prefix(trainLimit) }
        guard custom else { return Dataset(name: name, train: train, test: test, classNames: classNames, mean: mean, std: std) }
        let statistics = Dataset.statistics(of: train)
        let classes = (train.labels + test.labels).max().map { 0...$0 } ?? 0...0
        return Dataset(name: name, train: train, test: test, classNames: classes.map(String.init),
                       mean: statistics.mean, std: statistics.std)
    }

    /// Reads one split and checks that images and labels agree.
    static func loadSplit(images: String, labels: String, in directory: String, classCount: Int) throws(DataError) -> ImageSet {
        let imagePath = try locate(images, in: directory)
        let labelPath = try locate(labels, in: directory)
        let imageFile = try IDXFile.read(path: imagePath, expectedMagic: IDXFile.imageMagic)
        let labelFile = try IDXFile.read(path: labelPath, expectedMagic: IDXFile.labelMagic)
        guard imageFile.dimensions.count == 3, imageFile.dimensions[1] == imageFile.dimensions[2] else {
            throw DataError(imagePath, "expected square images, found dimensions \(imageFile.dimensions)")
        }
        let count = imageFile.dimensions[0]
        guard labelFile.dimensions[0] == count else {
            throw DataError(labelPath, "has \(labelFile.dimensions[0]) labels but \((imagePath as NSString).lastPathComponent) has \(count) images")
        }
        if let bad = labelFile.bytes.firstIndex(where: { Int($0) >= classCount }) {
            throw DataError(labelPath, "label \(labelFile.bytes[bad]) at index \(bad) is outside 0...\(classCount - 1)")
        }
        if let available = MemoryBudget.available(), imageFile.bytes.count > available.bytes {
            throw DataError(imagePath, "\(count) images of \(imageFile.dimensions[1])×\(imageFile.dimensions[2]) take \(MemoryBudget.format(imageFile.bytes.count)), more than the \(MemoryBudget.format(available.bytes)) of \(available.source)")
        }
        return ImageSet(bytes: imageFile.bytes, labels: labelFile.bytes.map(Int.init), side: imageFile.dimensions[1], channels: 1)
    }

    /// The path of `base` or `base.gz` in `directory`.
    static func locate(_ base: String, in directory: String) throws(DataError) -> String {
        for candidate in [base + ".gz", base] {
            let path = (directory as NSString).appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw DataError((directory as NSString).appendingPathComponent(base + ".gz"), "no such file")
    }
}
