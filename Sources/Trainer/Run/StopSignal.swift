import Foundation
import Synchronization

/// The signals that ask a training process to stop (Ctrl-C, `kill`, a closed SSH session,
/// Ctrl-\, Slurm's notice before preemption), caught so that the process can save and mark
/// its runs, give the terminal back and exit with a stated status instead of dying mid-way.
public enum StopSignal {
    /// The signals caught: SIGINT, SIGTERM, SIGHUP and SIGQUIT.
    public static let caught: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    private static let received = Atomic<Int32>(0)

    /// The first stop signal received since `install`, or nil.
    public static var pending: Int32? {
        let value = received.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Catches the stop signals from now on (replacing the runtime's crash handler on
    /// SIGQUIT); the work loops poll `pending` between steps.
    public static func install() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for number in caught {
            sigaddset(&unblock, number)
            signal(number) { number in
                // Only the first one counts: its number decides the exit status.
                _ = StopSignal.received.compareExchange(expected: 0, desired: number, ordering: .relaxed)
            }
        }
        // A parent (a test runner, a supervisor) may have blocked them.
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// The signal's short name: "SIGTERM".
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        case SIGQUIT: "SIGQUIT"
        default: "signal \(number)"
        }
    }

    /// The exit status of a process that stopped for `number` after saving: 128 + the
    /// signal's number, as a shell reports a process the signal ended (130 for SIGINT,
    /// 143 for SIGTERM), so scripts and schedulers see why it ended.
    public static func exitStatus(_ number: Int32) -> Int32 { 128 + number }
}
