import CZlib
import Foundation

/// Decompresses gzip (or zlib) data in memory, refusing truncated or corrupt streams.
enum Gzip {
    /// True when `bytes` start with the gzip magic number.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed bytes; `path` only names the file in errors.
    /// - Parameter expectedSize: given the bytes inflated so far, the size the whole output
    ///   must have once that is known (from a header), else nil. Inflating stops with an
    ///   error as soon as the output grows past it: a small file that inflates to gigabytes
    ///   (a "gzip bomb") is refused after the size its header promised, not once it is whole.
    static func decompress(_ input: [UInt8], path: String,
                           expectedSize: ([UInt8]) throws(DataError) -> Int? = { _ in nil }) throws(DataError) -> [UInt8] {
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
        var limit: Int?
        var failure: DataError?
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            chunk.withUnsafeMutableBufferPointer { buffer in
                repeat {
                    // Small steps until the header is known, so the size is checked early.
                    let room = limit == nil ? min(buffer.count, 4096) : buffer.count
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(room)
                    status = inflate(&stream, Z_NO_FLUSH)
                    let produced = room - Int(stream.avail_out)
                    output.append(contentsOf: buffer[0..<produced])
                    do throws(DataError) {
                        if limit == nil { limit = try expectedSize(output) }
                    } catch {
                        failure = error
                        return
                    }
                    if let limit, output.count > limit {
                        failure = DataError(path, "inflates to more than the \(limit) bytes its header promises; refused")
                        return
                    }
                    if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                } while status == Z_OK
                if status != Z_OK && status != Z_STREAM_END, let text = stream.msg {
                    message = String(cString: text)
                }
            }
        }
        if let failure { throw failure }
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
