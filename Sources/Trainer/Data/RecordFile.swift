import Foundation

/// A file of fixed-size records (CIFAR batches, STL-10 image and label files), read a chunk
/// of records at a time so that a 2.8 GB file never sits in memory twice.
enum RecordFile {
    /// The number of records in `path`, after checking that it holds a whole, non-zero number
    /// of `recordSize`-byte records.
    static func recordCount(path: String, recordSize: Int, what: String) throws(DataError) -> Int {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch { throw DataError(path, "no such file") }
        return try recordCount(bytes: size, path: path, recordSize: recordSize, what: what)
    }

    static func recordCount(bytes size: Int, path: String, recordSize: Int, what: String) throws(DataError) -> Int {
        guard size > 0 else { throw DataError(path, "is empty (0 bytes); expected \(what) of \(recordSize) bytes each") }
        guard size % recordSize == 0 else {
            throw DataError(path, "is \(size) bytes, not a whole number of \(recordSize)-byte records (\(what)): the last record is cut short after \(size % recordSize) bytes")
        }
        return size / recordSize
    }

    /// Calls `body(chunk, firstRecord)` for consecutive chunks of whole records of `path`.
    static func forEachChunk(path: String, recordSize: Int, recordsPerChunk: Int = 1024,
                             _ body: (UnsafeRawBufferPointer, Int) throws(DataError) -> Void) throws(DataError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DataError(path, "cannot be opened") }
        defer { try? handle.close() }
        var first = 0
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: recordSize * recordsPerChunk) } catch {
                throw DataError(path, "cannot be read (\(error.localizedDescription))")
            }
            guard let chunk, !chunk.isEmpty else { return }
            guard chunk.count % recordSize == 0 else {
                throw DataError(path, "changed while it was read (a record was cut short)")
            }
            var failure: DataError?
            chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                do throws(DataError) { try body(raw, first) } catch { failure = error }
            }
            if let failure { throw failure }
            first += chunk.count / recordSize
        }
    }

    /// Class names, one per line (blank lines dropped), or nil when the file is absent; a
    /// file with the wrong number of names is an error.
    static func classNames(path: String, count: Int) throws(DataError) -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw DataError(path, "cannot be read") }
        let names = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard names.count == count else { throw DataError(path, "names \(names.count) classes, expected \(count)") }
        return names
    }
}
