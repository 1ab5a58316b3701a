import CJPEG
import CPNG
import Foundation

/// A user's own images: a folder with one sub-folder of PNG or JPEG images per class, or
/// `train/` and `test/` folders each laid out that way. Images are decoded with libpng and
/// libjpeg-turbo, grey or colour, and resized to `side × side`. The set is colour when any
/// image is (grey images then count as colour images with three equal channels) unless one
/// channel is asked for. Without `train/`/`test/`, every fifth image of each class (in
/// file-name order) is held out for testing.
public enum ImageFolder {
    /// The side images are resized to unless another is asked for.
    public static let defaultSide = 28
    static let extensions = ["png", "jpg", "jpeg"]

    /// One decoded image: 8-bit values, rows top to bottom, `channels` (1 or 3) per pixel.
    public struct Decoded: Sendable {
        public var bytes: [UInt8]
        public var width: Int, height: Int, channels: Int
    }

    /// - Parameters: side: of the images after resizing; channels: 1 to make every image
    ///   grey, 3 to make every image colour, nil for colour when any image is.
    public static func load(path: String, side: Int = defaultSide, channels: Int? = nil) throws(DataError) -> Dataset {
        let trainPath = (path as NSString).appendingPathComponent("train")
        let testPath = (path as NSString).appendingPathComponent("test")
        var train: Images, test: Images
        let classes: [String]
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
        guard !train.labels.isEmpty else { throw DataError(path, "no training images found") }
        guard !test.labels.isEmpty else { throw DataError(path, "no test images (need at least 5 images per class, or a test/ folder)") }
        let wanted = channels ?? (train.colour || test.colour ? 3 : 1)
        let trainSet = train.set(side: side, channels: wanted), testSet = test.set(side: side, channels: wanted)
        return Dataset(name: (path as NSString).lastPathComponent, train: trainSet, test: testSet,
                       classNames: classes, normalisation: Dataset.channelStatistics(of: trainSet))
    }

    /// Decoded images of a split, kept as RGB until the set's channels are known.
    struct Images {
        var rgb: [UInt8] = []
        var labels: [Int] = []
        var colour = false

        func set(side: Int, channels: Int) -> ImageSet {
            guard channels == 1 else { return ImageSet(bytes: rgb, labels: labels, side: side, channels: 3) }
            var grey = [UInt8](repeating: 0, count: rgb.count / 3)
            for i in grey.indices { grey[i] = ImageFolder.luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]) }
            return ImageSet(bytes: grey, labels: labels, side: side, channels: 1)
        }
    }

    /// ITU-R 601 luma of one pixel (grey pixels keep their value).
    static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let red: Float = 0.299 * Float(r), green: Float = 0.587 * Float(g), blue: Float = 0.114 * Float(b)
        return UInt8(min(max((red + green + blue).rounded(), 0), 255))
    }

    /// Decodes one image file.
    public static func decode(path: String) throws(DataError) -> Decoded {
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError(path, "cannot be read") }
        return try decode([UInt8](data), path: path)
    }

    /// Decodes the bytes of one PNG or JPEG; `path` names it in errors, and its extension
    /// must agree with what the bytes are.
    public static func decode(_ file: [UInt8], path: String) throws(DataError) -> Decoded {
        let suffix = (path as NSString).pathExtension.lowercased()
        guard !file.isEmpty else { throw DataError(path, "is empty (0 bytes), not an image") }
        let isPNG = file.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let isJPEG = file.starts(with: [0xFF, 0xD8, 0xFF])
        switch suffix {
        case "jpg", "jpeg":
            guard isJPEG else {
                throw DataError(path, isPNG ? "is named .\(suffix) but holds a PNG; rename it .png" : "is not a JPEG (it does not start with the JPEG marker FF D8 FF)")
            }
            return try decodeJPEG(file, path: path)
        case "png":
            guard isPNG else {
                throw DataError(path, isJPEG ? "is named .png but holds a JPEG; rename it .jpg" : "is not a PNG (it does not start with the PNG signature)")
            }
            return try decodePNG(file, path: path)
        default:
            if isPNG { return try decodePNG(file, path: path) }
            if isJPEG { return try decodeJPEG(file, path: path) }
            throw DataError(path, "is neither a PNG nor a JPEG")
        }
    }

    static func decodeJPEG(_ file: [UInt8], path: String) throws(DataError) -> Decoded {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
        var reason = [CChar](repeating: 0, count: 256)
        let status = file.withUnsafeBufferPointer { bytes in
            reason.withUnsafeMutableBufferPointer { text in
                wb_jpeg_decode(bytes.baseAddress, bytes.count, 16384, &pixels, &width, &height, &channels,
                               text.baseAddress, text.count)
            }
        }
        guard status == 0, let pixels else {
            let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DataError(path, "not a readable JPEG (\(text.isEmpty ? "unknown libjpeg error" : text))")
        }
        defer { wb_jpeg_free(pixels) }
        let count = Int(width) * Int(height) * Int(channels)
        return Decoded(bytes: Array(UnsafeBufferPointer(start: pixels, count: count)), width: Int(width),
                       height: Int(height), channels: Int(channels))
    }

    static func decodePNG(_ file: [UInt8], path: String) throws(DataError) -> Decoded {
        var image = wb_png_image_new()
        let begun = file.withUnsafeBytes { raw in png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) }
        guard begun != 0 else {
            let reason = message(of: image)
            png_image_free(&image)
            throw DataError(path, "not a readable PNG (\(reason))")
        }
        let colour = image.format & wb_png_format_flag_color() != 0
        image.format = colour ? wb_png_format_rgb() : wb_png_format_gray()
        let channels = colour ? 3 : 1
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            png_image_free(&image)
            throw DataError(path, "implausible PNG size \(width)×\(height)")
        }
        var bytes = [UInt8](repeating: 0, count: width * height * channels)
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
        return Decoded(bytes: bytes, width: width, height: height, channels: channels)
    }

    /// The image resized to `side × side` RGB bytes (grey copied to the three channels).
    public static func rgb(_ image: Decoded, side: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: side * side * 3)
        if image.width == side && image.height == side {
            for p in 0..<(side * side) {
                for c in 0..<3 { out[3 * p + c] = image.bytes[p * image.channels + (image.channels == 3 ? c : 0)] }
            }
            return out
        }
        var resized = [Float](repeating: 0, count: side * side * image.channels)
        image.bytes.withUnsafeBufferPointer { source in
            resized.withUnsafeMutableBufferPointer { destination in
                guard let s = source.baseAddress, let d = destination.baseAddress else { return }
                Resample.bilinear(BytePixels(s), sourceWidth: image.width, sourceHeight: image.height, channels: image.channels,
                                  x0: 0, y0: 0, width: Float(image.width), height: Float(image.height), into: d, side: side)
            }
        }
        for p in 0..<(side * side) {
            for c in 0..<3 {
                let v = resized[p * image.channels + (image.channels == 3 ? c : 0)]
                out[3 * p + c] = UInt8(min(max(v, 0), 1) * 255 + 0.5)
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
                                   keep: (Int) -> Bool) throws(DataError) -> Images {
        var images = Images()
        for (label, name) in classes.enumerated() {
            let folder = (path as NSString).appendingPathComponent(name)
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            guard !files.isEmpty, files.indices.contains(where: keep) else {
                throw DataError(folder, files.isEmpty ? "holds no PNG or JPEG images; every class needs some"
                                                     : "has too few images to hold one out for testing (\(files.count)); every class needs at least 5, or use train/ and test/ folders")
            }
            for (index, file) in files.enumerated() where keep(index) {
                let decoded = try decode(path: (folder as NSString).appendingPathComponent(file))
                images.colour = images.colour || decoded.channels == 3
                images.rgb += rgb(decoded, side: side)
                images.labels.append(label)
            }
        }
        return images
    }
}
