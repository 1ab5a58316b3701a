import Analysis
import CPNG
import Foundation
import Trainer

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
    var image = wb_png_image_new()
    image.width = UInt32(width)
    image.height = UInt32(height)
    image.format = wb_png_format_gray()
    return pixels.withUnsafeBytes { buffer in
        png_image_write_to_file(&image, path, 0, buffer.baseAddress, 0, nil) != 0
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
