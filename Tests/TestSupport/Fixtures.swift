import Evaluation
import CJPEG
import CPNG
import Foundation
import Trainer
import Vocabulary

// Files the tests write for themselves: IDX sets (plain and gzipped) and PNGs.

/// A fresh temporary folder, removed by the caller.
public func makeTemporaryFolder(_ name: String = "data") -> String {
    let path = NSTemporaryDirectory() + "workbench-test-\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes `contents` to `path`, replacing what was there.
public func writeFile(atPath path: String, contents: Data?) {
    _ = FileManager.default.createFile(atPath: path, contents: contents)
}

/// Gzips `bytes` with the system's gzip, as a real file would be.
public func gzip(_ bytes: [UInt8], to path: String) throws {
    let raw = path + ".raw"
    writeFile(atPath: raw, contents: Data(bytes))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "gzip -n -c '\(raw)' > '\(path)' && rm '\(raw)'"]
    try process.run()
    process.waitUntilExit()
}

/// Writes a small IDX data set (images and labels, both splits) into `folder`.
public func writeIDXDataSet(in folder: String, count: Int = 12, side: Int = 4, gzipped: Bool) throws {
    for split in ["train", "t10k"] {
        let pixels = (0..<(count * side * side)).map { UInt8($0 % 256) }
        let labels = (0..<count).map { UInt8($0 % 10) }
        let images = IDXFile.encode(magic: IDXFile.imageMagic, dimensions: [count, side, side], bytes: pixels)
        let labelFile = IDXFile.encode(magic: IDXFile.labelMagic, dimensions: [count], bytes: labels)
        for (name, bytes) in [("\(split)-images-idx3-ubyte", images), ("\(split)-labels-idx1-ubyte", labelFile)] {
            let path = (folder as NSString).appendingPathComponent(name)
            if gzipped { try gzip(bytes, to: path + ".gz") } else { writeFile(atPath: path, contents: Data(bytes)) }
        }
    }
}

/// Writes a grey PNG with libpng.
public func writePNG(_ pixels: [UInt8], width: Int, height: Int, to path: String) -> Bool {
    writePNG(pixels, width: width, height: height, format: wb_png_format_gray(), to: path)
}

private func writePNG(_ pixels: [UInt8], width: Int, height: Int, format: png_uint_32, to path: String) -> Bool {
    var image = wb_png_image_new()
    image.width = UInt32(width)
    image.height = UInt32(height)
    image.format = format
    return pixels.withUnsafeBytes { buffer in
        png_image_write_to_file(&image, path, 0, buffer.baseAddress, 0, nil) != 0
    }
}

/// Writes an RGB PNG (8-bit, rows top to bottom, three values per pixel) with libpng.
@discardableResult
public func writeColourPNG(_ rgb: [UInt8], width: Int, height: Int, to path: String) -> Bool {
    writePNG(rgb, width: width, height: height, format: wb_png_format_rgb(), to: path)
}

/// The bytes of a JPEG (quality 95) of 8-bit pixels with 1 or 3 channels, by libjpeg-turbo.
public func jpegBytes(_ pixels: [UInt8], width: Int, height: Int, channels: Int) -> [UInt8] {
    var out: UnsafeMutablePointer<UInt8>?
    var size: UInt = 0
    let status = pixels.withUnsafeBufferPointer { wb_jpeg_encode($0.baseAddress, Int32(width), Int32(height), Int32(channels), 95, &out, &size) }
    guard status == 0, let out else { return [] }
    defer { wb_jpeg_free(out) }
    return Array(UnsafeBufferPointer(start: out, count: Int(size)))
}

/// One CIFAR record's pixel bytes in the files' order (1,024 red, 1,024 green, 1,024 blue,
/// rows top to bottom) for an image given as rows of RGB pixels.
public func cifarPlanes(_ rgb: [UInt8]) -> [UInt8] {
    (0..<3).flatMap { c in (0..<1024).map { rgb[3 * $0 + c] } }
}

/// STL-10's layout of one 96×96 RGB image: channel by channel, column by column.
public func stl10Planes(_ rgb: [UInt8]) -> [UInt8] {
    (0..<3).flatMap { c in (0..<96).flatMap { x in (0..<96).map { y in rgb[3 * (y * 96 + x) + c] } } }
}

/// An STL-10 folder (`stl10_binary/` in `root`) with `train`, `test` and `unlabeled` images
/// in the real byte layout, and class names.
@discardableResult
public func writeSTL10Folder(in root: String, train: Int = 3, test: Int = 2, unlabeled: Int = 4) -> String {
    let folder = root + "/stl10_binary"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    func images(_ count: Int, offset: Int) -> Data { Data((0..<count).flatMap { stl10Planes(patternRGB(side: 96, index: $0 + offset)) }) }
    writeFile(atPath: folder + "/train_X.bin", contents: images(train, offset: 0))
    writeFile(atPath: folder + "/train_y.bin", contents: Data((0..<train).map { UInt8($0 % 10 + 1) }))
    writeFile(atPath: folder + "/test_X.bin", contents: images(test, offset: 100))
    writeFile(atPath: folder + "/test_y.bin", contents: Data((0..<test).map { UInt8(10 - $0 % 10) }))
    writeFile(atPath: folder + "/unlabeled_X.bin", contents: images(unlabeled, offset: 200))
    let names = ["airplane", "bird", "car", "cat", "deer", "dog", "horse", "monkey", "ship", "truck"]
    writeFile(atPath: folder + "/class_names.txt", contents: Data(names.joined(separator: "\n").utf8))
    return folder
}

/// A deterministic test pattern of `side × side` RGB pixels for image `index`.
public func patternRGB(side: Int, index: Int) -> [UInt8] {
    (0..<(side * side)).flatMap { p -> [UInt8] in
        let x = p % side, y = p / side
        return [UInt8((x * 8 + index * 31) % 256), UInt8((y * 8 + index * 17) % 256), UInt8((x + y + index * 5) % 256)]
    }
}

/// Decodes PNG bytes with libpng into RGB; nil when libpng refuses them.
public func decodePNG(_ data: Data) -> (width: Int, height: Int, rgb: [UInt8])? {
    var image = wb_png_image_new()
    let bytes = [UInt8](data)
    guard bytes.withUnsafeBytes({ png_image_begin_read_from_memory(&image, $0.baseAddress, bytes.count) }) != 0 else { return nil }
    image.format = wb_png_format_rgb()
    var rgb = [UInt8](repeating: 0, count: Int(image.width) * Int(image.height) * 3)
    guard rgb.withUnsafeMutableBytes({ png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }) != 0 else { return nil }
    return (Int(image.width), Int(image.height), rgb)
}

/// The rows of a metrics.csv without the columns that depend on the machine's speed, for
/// comparing a resumed run with an uninterrupted one.
public func untimedMetrics(_ path: String) -> [[String]] {
    let table = CSV.parse((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    guard let header = table.first else { return [] }
    let keep = header.indices.filter { !EpochMetrics.timingColumns.contains(header[$0]) }
    return table.map { row in keep.map { $0 < row.count ? row[$0] : "" } }
}
