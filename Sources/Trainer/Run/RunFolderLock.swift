import Foundation

/// An exclusive claim on a run folder for as long as one `TrainingRun` trains in it, so that
/// two processes (a `compare --resume` started twice, the TUI and a headless run) never
/// write the same checkpoint and metrics at once. It is an advisory `flock` on
/// `<folder>/.lock`: the kernel drops it when the process ends, however it ends, so a
/// killed run leaves nothing stale behind.
public final class RunFolderLock {
    public static let fileName = ".lock"
    private let descriptor: Int32

    /// Takes the folder's lock (creating the folder when missing), or says who holds it.
    public static func acquire(folder: String) throws(RunError) -> RunFolderLock {
        switch try take(folder: folder) {
        case .taken(let lock): return lock
        case .heldByThisProcess:
            throw RunError("\(folder): is already being trained by this process (the same run twice?)")
        case .heldByAnother(let holder):
            throw RunError("\(folder): is being trained by another workbench process\(holder.map { " (pid \($0))" } ?? "");"
                           + " wait for it to finish or choose another --out")
        }
    }

    /// What trying the lock found.
    public enum Attempt {
        case taken(RunFolderLock)
        case heldByThisProcess
        /// Another process trains the run (its pid when it could be read).
        case heldByAnother(pid_t?)
    }

    /// Tries the folder's lock without waiting (creating the folder when missing): how
    /// processes sharing an experiment each find a run that nobody trains.
    public static func take(folder: String) throws(RunError) -> Attempt {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw RunError("\(folder): cannot create the run folder (\(error.localizedDescription))")
        }
        let path = folder + "/" + Self.fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw RunError("\(path): cannot open (\(String(cString: strerror(errno))))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.holder(descriptor)
            close(descriptor)
            return holder == getpid() ? .heldByThisProcess : .heldByAnother(holder)
        }
        return .taken(RunFolderLock(descriptor: descriptor))
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
        // The holder's pid, for the message a second process prints.
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) } }
    }

    deinit { close(descriptor) }

    private static func holder(_ descriptor: Int32) -> pid_t? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return pid_t(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
