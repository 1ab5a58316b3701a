import Foundation

/// The IDX format of MNIST and Fashion-MNIST: a magic number whose third byte is the
/// element type (0x08, unsigned byte) and fourth the number of dimensions, then the
/// dimensions as big-endian 32-bit integers, then the data. Files may be gzipped.
public struct IDXFile: Sendable {
    /// Magic number of an image file (three dimensions: count, rows, columns).
    public static let imageMagic: UInt32 = 0x0000_0803
    /// Magic number of a label file (one dimension: count).
    public static let labelMagic: UInt32 = 0x0000_0801

    public let dimensions: [Int]
    public let bytes: [UInt8]

    /// Reads and validates an IDX file, decompressing it when gzipped.
    /// - Parameter expectedMagic: `imageMagic` or `labelMagic`.
    public static func read(path: String, expectedMagic: UInt32) throws(DataError) -> IDXFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw DataError(path, exists ? "cannot be read (permissions?)" : "no such file")
        }
        return try decode([UInt8](data), path: path, expectedMagic: expectedMagic)
    }

    /// Validates the bytes of an IDX file, plain or gzipped; `path` only names it in errors.
    public static func decode(_ bytes: [UInt8], path: String, expectedMagic: UInt32) throws(DataError) -> IDXFile {
        guard Gzip.isCompressed(bytes) else { return try parse(bytes, path: path, expectedMagic: expectedMagic) }
        let inflated = try Gzip.decompress(bytes, path: path) { prefix throws(DataError) in try promisedSize(prefix, path: path) }
        return try parse(inflated, path: path, expectedMagic: expectedMagic)
    }

    /// The file size an IDX header promises (header and data), once `prefix` holds the header;
    /// refused when it could not be held in memory.
    static func promisedSize(_ prefix: [UInt8], path: String) throws(DataError) -> Int? {
        guard prefix.count >= 4 else { return nil }
        let rank = Int(prefix[3])
        let headerSize = 4 + 4 * rank
        guard prefix.count >= headerSize else { return nil }
        var size = 1
        for d in 0..<rank {
            let (product, overflow) = size.multipliedReportingOverflow(by: Int(readBigEndian(prefix, at: 4 + 4 * d)))
            guard !overflow else { throw DataError(path, "header promises more data than can be addressed") }
            size = product
        }
        size += headerSize
        // Images are also held as floats (4 bytes a pixel) once read.
        let needed = rank == 3 ? size.multipliedReportingOverflow(by: 5) : (partialValue: size, overflow: false)
        if let available = MemoryBudget.available(), needed.overflow || needed.partialValue > available.bytes {
            throw DataError(path, "header promises \(MemoryBudget.format(size)) of data, more than the \(MemoryBudget.format(available.bytes)) of \(available.source) can hold with its pixels as floats")
        }
        return size
    }

    /// Validates decompressed IDX bytes.
    public static func parse(_ bytes: [UInt8], path: String, expectedMagic: UInt32) throws(DataError) -> IDXFile {
        guard bytes.count >= 4 else { throw DataError(path, "too short to be an IDX file (\(bytes.count) bytes)") }
        let magic = readBigEndian(bytes, at: 0)
        guard magic == expectedMagic else {
            throw DataError(path, "expected IDX magic \(expectedMagic) (\(hex(expectedMagic))), found \(magic) (\(hex(magic)))")
        }
        let rank = Int(magic & 0xFF)
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DataError(path, "header is cut short: \(rank) dimensions need \(headerSize) bytes, file has \(bytes.count)")
        }
        let dimensions = (0..<rank).map { Int(readBigEndian(bytes, at: 4 + 4 * $0)) }
        if rank == 3 && (dimensions[1] == 0 || dimensions[2] == 0 || dimensions[1] > 4096 || dimensions[2] > 4096) {
            throw DataError(path, "implausible image size \(dimensions[1])×\(dimensions[2])")
        }
        let expected = dimensions.reduce(1, *)
        let available = bytes.count - headerSize
        guard available == expected else {
            throw DataError(path, "dimensions \(dimensions.map(String.init).joined(separator: "×")) need \(expected) data bytes, file has \(available)")
        }
        return IDXFile(dimensions: dimensions, bytes: Array(bytes[headerSize...]))
    }

    /// Serialises an IDX file (used by tests and tools that write their own data).
    public static func encode(magic: UInt32, dimensions: [Int], bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        for word in [magic] + dimensions.map(UInt32.init) {
            out += [UInt8(word >> 24), UInt8((word >> 16) & 0xFF), UInt8((word >> 8) & 0xFF), UInt8(word & 0xFF)]
        }
        return out + bytes
    }

    private static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    private static func hex(_ value: UInt32) -> String { "0x" + String(format: "%08X", value) }
}
