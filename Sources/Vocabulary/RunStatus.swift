/// Where a run stands. `failed`: its files could not be written (read-only, vanished or
/// full output folder); what was written before stays, and `--resume` continues from it.
public enum RunStatus: String, Sendable, Codable {
    case queued, running, paused, done, diverged, stopped, failed

    /// Whether the run has ended and will train no further (a stopped run can resume).
    public var hasEnded: Bool { self == .done || self == .diverged }
}
