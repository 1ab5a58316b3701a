import CZlib
import Foundation
import TensorCore

/// The state of a run after a complete epoch, in a small versioned binary format.
///
/// Layout (all integers little-endian):
///
///     "WBCK"  magic                      4 bytes
///     version UInt32 (= 1)
///     epoch UInt32, globalStep UInt64, wallSeconds Float64
///     RNG state: 4 × UInt64
///     config: UInt32 length + that many bytes of JSON (the RunConfig)
///     tensors: UInt32 count, then per tensor UInt64 element count + Float32 elements
///     integers: UInt64 count + Int64 values
///     CRC-32 (zlib) of every byte before it: UInt32
public struct Checkpoint: Sendable {
    public static let magic: [UInt8] = Array("WBCK".utf8)
    public static let version: UInt32 = 1

    public var epoch: Int
    public var globalStep: Int
    public var wallSeconds: Double
    public var rngState: [UInt64]
    public var configJSON: Data
    public var tensors: [[Float]]
    public var integers: [Int]

    public init(epoch: Int, globalStep: Int, wallSeconds: Double, rngState: [UInt64], configJSON: Data,
                tensors: [[Float]], integers: [Int]) {
        self.epoch = epoch
        self.globalStep = globalStep
        self.wallSeconds = wallSeconds
        self.rngState = rngState
        self.configJSON = configJSON
        self.tensors = tensors
        self.integers = integers
    }

    public func encoded() -> Data {
        var out = Data()
        out.append(contentsOf: Self.magic)
        append(Self.version, to: &out)
        append(UInt32(epoch), to: &out)
        append(UInt64(globalStep), to: &out)
        append(wallSeconds.bitPattern, to: &out)
        for word in rngState.prefix(4) { append(word, to: &out) }
        append(UInt32(configJSON.count), to: &out)
        out.append(configJSON)
        append(UInt32(tensors.count), to: &out)
        for tensor in tensors {
            append(UInt64(tensor.count), to: &out)
            tensor.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        append(UInt64(integers.count), to: &out)
        for value in integers { append(UInt64(bitPattern: Int64(value)), to: &out) }
        append(Self.crc(out), to: &out)
        return out
    }

    /// Reads and checks a checkpoint; `path` only names the file in errors.
    public static func decode(_ data: Data, path: String) throws(DataError) -> Checkpoint {
        var reader = ByteReader(bytes: [UInt8](data), path: path)
        guard data.count >= 12, Array(data.prefix(4)) == magic else {
            throw DataError(path, "not a workbench checkpoint (bad magic)")
        }
        let stored = UInt32(littleEndianBytes: Array(data.suffix(4)))
        guard crc(data.prefix(data.count - 4)) == stored else {
            throw DataError(path, "checkpoint is damaged (checksum mismatch)")
        }
        reader.offset = 4
        let version: UInt32 = try reader.read()
        guard version == Self.version else {
            throw DataError(path, "checkpoint version \(version) is not supported (this program reads version \(Self.version))")
        }
        let epoch = Int(try reader.read() as UInt32)
        let step = try reader.count()
        let wall = Double(bitPattern: try reader.read())
        var rng: [UInt64] = []
        for _ in 0..<4 { rng.append(try reader.read()) }
        let configLength = Int(try reader.read() as UInt32)
        let config = Data(try reader.bytes(configLength))
        let tensorCount = Int(try reader.read() as UInt32)
        var tensors: [[Float]] = []
        for _ in 0..<tensorCount {
            let count = try reader.count()
            let raw = try reader.bytes(count.multipliedReportingOverflow(by: 4).overflow ? Int.max : count * 4)
            tensors.append(raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
        }
        let integerCount = try reader.count()
        guard integerCount <= (data.count - reader.offset) / 8 else { throw DataError(path, "checkpoint is cut short") }
        var integers: [Int] = []
        for _ in 0..<integerCount { integers.append(Int(Int64(bitPattern: try reader.read()))) }
        return Checkpoint(epoch: epoch, globalStep: step, wallSeconds: wall, rngState: rng, configJSON: config,
                          tensors: tensors, integers: integers)
    }

    /// `bytes` followed by their checksum: a checkpoint body made valid at its end.
    public static func sealed(_ bytes: [UInt8]) -> Data {
        var data = Data(bytes)
        withUnsafeBytes(of: crc(bytes).littleEndian) { data.append(contentsOf: $0) }
        return data
    }

    static func crc<D: DataProtocol>(_ bytes: D) -> UInt32 {
        let array = [UInt8](bytes)
        return array.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    private func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
        withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
}

/// Sequential little-endian reads that fail with a `DataError` instead of reading past the end.
struct ByteReader {
    let bytes: [UInt8]
    let path: String
    var offset = 0

    mutating func bytes(_ count: Int) throws(DataError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - offset else { throw DataError(path, "checkpoint is cut short") }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func read<T: FixedWidthInteger>() throws(DataError) -> T {
        T(littleEndianBytes: Array(try bytes(MemoryLayout<T>.size)))
    }

    /// A 64-bit count or step number; values beyond `Int.max` are damage, not data.
    mutating func count() throws(DataError) -> Int {
        guard let value = Int(exactly: try read() as UInt64) else { throw DataError(path, "checkpoint holds an impossible count") }
        return value
    }
}

extension FixedWidthInteger {
    init(littleEndianBytes bytes: [UInt8]) {
        var value: Self = 0
        for (i, byte) in bytes.prefix(MemoryLayout<Self>.size).enumerated() { value |= Self(byte) << (8 * i) }
        self = value
    }
}
