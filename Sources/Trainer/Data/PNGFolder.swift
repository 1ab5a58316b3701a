import CPNG
import Foundation

/// A user's own images: a folder with one sub-folder of PNGs per class, or `train/` and
/// `test/` folders each laid out that way. Images are decoded to grey with libpng and
/// resized to `side × side`. Without `train/`/`test/`, every fifth image of each class
/// (in file-name order) is held out for testing.
public enum PNGFolder {
    public static func load(path: String, side: Int = 28) throws(DataError) -> Dataset {
        let trainPath = (path as NSString).appendingPathComponent("train")
        let testPath = (path as NSString).appendingPathComponent("test")
        let train: ImageSet, test: ImageSet, classes: [String]
        if isFolder(trainPath) && isFolder(testPath) {
            classes = try classFolders(in: trainPath)
            let testClasses = try classFolders(in: testPath)
            guard testClasses == classes else {
                let onlyTrain = Set(classes).subtracting(testClasses).sorted(), onlyTest = Set(testClasses).subtracting(classes).sorted()
                let parts = (onlyTrain.isEmpty ? [] : ["only train/ has \(onlyTrain.joined(separator: ", "))"])
                    + (onlyTest.isEmpty ? [] : ["only test/ has \(onlyTest.joined(separator: ", "))"])
                throw DataError(path, "train/ and test/ must hold the same class folders: \(parts.joined(separator: "; "))")
            }
            train = try loadImages(in: trainPath, classes: classes, side: side, keep: { _ in true })
            test = try loadImages(in: testPath, classes: classes, side: side, keep: { _ in true })
        } else {
            classes = try classFolders(in: path)
            train = try loadImages(in: path, classes: classes, side: side, keep: { $0 % 5 != 4 })
            test = try loadImages(in: path, classes: classes, side: side, keep: { $0 % 5 == 4 })
        }
        guard train.count > 0 else { throw DataError(path, "no training images found") }
        guard test.count > 0 else { throw DataError(path, "no test images (need at least 5 images per class, or a test/ folder)") }
        let stats = Dataset.statistics(of: train)
        return Dataset(name: (path as NSString).lastPathComponent, train: train, test: test,
                       classNames: classes, mean: stats.mean, std: stats.std)
    }

    /// Decodes one PNG to grey pixels in [0, 1], resized to `side × side`.
    public static func decode(path: String, side: Int) throws(DataError) -> [Float] {
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError(path, "cannot be read") }
        return try decode([UInt8](data), path: path, side: side)
    }

    /// Decodes the bytes of one PNG; `path` only names it in errors.
    public static func decode(_ file: [UInt8], path: String, side: Int) throws(DataError) -> [Float] {
        guard !file.isEmpty else { throw DataError(path, "is empty (0 bytes), not a PNG") }
        guard file.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw DataError(path, "is not a PNG (it does not start with the PNG signature)")
        }
        var image = wb_png_image_new()
        let begun = file.withUnsafeBytes { raw in png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) }
        guard begun != 0 else {
            let reason = message(of: image)
            png_image_free(&image)
            throw DataError(path, "not a readable PNG (\(reason))")
        }
        image.format = wb_png_format_gray()
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            png_image_free(&image)
            throw DataError(path, "implausible PNG size \(width)×\(height)")
        }
        var bytes = [UInt8](repeating: 0, count: width * height)
        let ok = bytes.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil)
        }
        guard ok != 0 else {
            let reason = message(of: image)
            png_image_free(&image)
            throw DataError(path, "PNG data is damaged (\(reason))")
        }
        // libpng reports a cut-short image stream only as a warning, filling the rest with
        // zeros: a partial image must not train as if it were whole.
        if image.warning_or_error != 0 {
            let reason = message(of: image)
            let lowered = reason.lowercased()
            if lowered.contains("data") || lowered.contains("truncat") || lowered.contains("crc") || lowered.contains("stream") {
                throw DataError(path, "PNG data is damaged (\(reason))")
            }
        }
        let grey = bytes.map { Float($0) * (1 / 255) }
        var out = [Float](repeating: 0, count: side * side)
        grey.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                guard let s = source.baseAddress, let d = destination.baseAddress else { return }
                Resample.bilinear(s, sourceWidth: width, sourceHeight: height, x0: 0, y0: 0,
                                  width: Float(width), height: Float(height), into: d, side: side)
            }
        }
        return out
    }

    private static func message(of image: png_image) -> String {
        var copy = image.message
        let text = withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return text.isEmpty ? "unknown libpng error" : text
    }

    private static func isFolder(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    private static func classFolders(in path: String) throws(DataError) -> [String] {
        guard isFolder(path) else { throw DataError(path, "no such folder") }
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw DataError(path, "cannot list folder")
        }
        let classes = entries.filter { !$0.hasPrefix(".") && isFolder((path as NSString).appendingPathComponent($0)) }.sorted()
        guard classes.count >= 2 else {
            throw DataError(path, "expected one sub-folder of PNG images per class (at least 2), found \(classes.count)")
        }
        return classes
    }

    private static func loadImages(in path: String, classes: [String], side: Int,
                                   keep: (Int) -> Bool) throws(DataError) -> ImageSet {
        var pixels = [Float](), labels = [Int]()
        for (label, name) in classes.enumerated() {
            let folder = (path as NSString).appendingPathComponent(name)
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.lowercased().hasSuffix(".png") }.sorted()
            guard !files.isEmpty, files.indices.contains(where: keep) else {
                throw DataError(folder, files.isEmpty ? "holds no PNG images; every class needs some"
                                                     : "has too few images to hold one out for testing (\(files.count)); every class needs at least 5, or use train/ and test/ folders")
            }
            for (index, file) in files.enumerated() where keep(index) {
                pixels += try decode(path: (folder as NSString).appendingPathComponent(file), side: side)
                labels.append(label)
            }
        }
        return ImageSet(pixels: pixels, labels: labels, side: side)
    }
}
