import Foundation

/// What the interactive screen shows and sends commands to: a trainer in this process
/// (`TrainingSession`), or runs trained by other processes read from their folder
/// (`FolderWatch`). Snapshots cross from its thread to the UI thread; commands the other way.
public protocol WorkbenchSource: AnyObject, Sendable {
    /// The latest published state.
    var snapshot: SessionSnapshot { get }
    func send(_ command: SessionCommand)
    /// Starts its background thread.
    func start()
    /// Blocks until its thread has ended (after `quit`).
    func waitUntilFinished()
    /// What the screen says while it closes ("saving…").
    var closingMessage: String { get }
}

extension WorkbenchSource {
    /// Polls the snapshot until its `finished` shows.
    public func waitUntilFinished() {
        while !snapshot.finished { usleep(10_000) }
    }
}

extension TrainingSession: WorkbenchSource {
    public var closingMessage: String { "saving… (finished epochs are kept; --resume continues the rest)" }
}
