import Foundation

/// Writes a file so that readers only ever see the old or the new version: the bytes go to
/// a temporary file in the same folder, are flushed to disk, and replace the target by rename.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): cannot write (\(reason))" }
    }

    /// The temporary file a process writes before renaming it to `path`.
    static func temporaryPath(for path: String, pid: pid_t = getpid()) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return (folder.isEmpty ? "." : folder) + "/." + (path as NSString).lastPathComponent + ".tmp-\(pid)"
    }

    /// Removes the temporary files that killed processes left in `folder` (those of live
    /// processes are kept: they may still be writing). Returns the names removed.
    @discardableResult
    public static func removeLeftovers(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            guard let marker = name.range(of: ".tmp-", options: .backwards), let pid = pid_t(name[marker.upperBound...]) else { continue }
            let alive = pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
            if !alive && unlink(folder + "/" + name) == 0 { removed.append(name) }
        }
        return removed
    }

    public static func write(_ data: Data, to path: String) throws(WriteError) {
        let temporary = temporaryPath(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 {
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
    }

    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(Data(text.utf8), to: path)
    }
}
