import CZlib
import Foundation

/// Decompresses gzip (or zlib) data in memory, refusing truncated or corrupt streams.
enum Gzip {
    /// True when `bytes` start with the gzip magic number.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed bytes; `path` only names the file in errors.
    static func decompress(_ input: [UInt8], path: String) throws(DataError) -> [UInt8] {
        var stream = z_stream()
        guard wb_inflate_init_auto(&stream) == Z_OK else {
            throw DataError(path, "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        var message = ""
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            chunk.withUnsafeMutableBufferPointer { buffer in
                repeat {
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    let produced = buffer.count - Int(stream.avail_out)
                    output.append(contentsOf: buffer[0..<produced])
                    if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                } while status == Z_OK
                if status != Z_OK && status != Z_STREAM_END, let text = stream.msg {
                    message = String(cString: text)
                }
            }
        }
        switch status {
        case Z_STREAM_END:
            return output
        case Z_OK, Z_BUF_ERROR:
            throw DataError(path, "gzip stream is truncated (ended after \(output.count) decompressed bytes)")
        default:
            throw DataError(path, "gzip data is corrupt" + (message.isEmpty ? "" : " (\(message))"))
        }
    }
}
