import CNcurses
import Foundation
import Synchronization

/// The ncurses sink: sets the terminal up, copies a cell grid to it in one pass, reads
/// keys, and always gives the terminal back. Only the UI thread touches it.
public final class Terminal {
    public private(set) var colours = false
    private var open = false

    public struct TerminalError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Takes over the terminal. Fails with a clear message when there is none.
    public init() throws(TerminalError) {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            throw TerminalError(description: "the workbench needs a terminal (standard input and output are not one); for scripts use `workbench compare` or `workbench train`")
        }
        setlocale(LC_ALL, "")
        // A parent may have blocked or ignored this (a test runner, a supervisor); the screen
        // needs window-size changes, so take it back. The stop signals are the caller's
        // (StopSignal): the UI loop polls them and quits cleanly.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGWINCH)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        signal(SIGWINCH, SIG_DFL)
        let type = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard wb_open_screen() != 0 else {
            throw TerminalError(description: type.isEmpty
                ? "TERM is not set, so the terminal's type is unknown; set it (for example TERM=xterm-256color)"
                : "the terminal type TERM=\(type) is not known to terminfo; set TERM to one that is (for example xterm-256color)")
        }
        open = true
        atexit { if isendwin() == false { endwin() } }
        cbreak()
        noecho()
        keypad(wb_stdscr(), true)
        curs_set(0)
        wtimeout(wb_stdscr(), 50)
        set_escdelay(25)  // Escape acts at once instead of waiting a second for a sequence
        wb_no_flow_control()
        if has_colors() && ProcessInfo.processInfo.environment["NO_COLOR"] == nil {
            start_color()
            use_default_colors()
            colours = true
            let rich = wb_colors() >= 256
            // Ink raw value → (256-colour, 8-colour) foreground.
            let table: [Ink: (Int16, Int16)] = [
                .dim: (244, 7), .accent: (75, 6), .good: (71, 2), .warning: (178, 3), .bad: (196, 1),
                .simclr: (32, 4), .moco: (166, 1), .byol: (35, 2), .triplet: (214, 3), .supervised: (252, 7), .extra: (175, 5), .fork: (222, 3),
            ]
            for (ink, colour) in table { init_pair(Int16(ink.rawValue), rich ? colour.0 : colour.1, -1) }
        }
    }

    deinit { restore() }

    /// Gives the terminal back (idempotent).
    public func restore() {
        guard open else { return }
        open = false
        endwin()
    }

    /// The terminal's current size in cells.
    public var size: (width: Int, height: Int) { (Int(wb_cols()), Int(wb_lines())) }

    /// Whether the terminal can show Unicode (braille, box drawing).
    public var unicode: Bool {
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        return codeset.uppercased().contains("UTF-8") || codeset.uppercased().contains("UTF8")
    }

    /// Copies the grid to the screen and refreshes once.
    public func draw(_ grid: CellGrid) {
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                // The bottom-right cell would scroll the screen on some terminals.
                if y == grid.height - 1 && x == grid.width - 1 { continue }
                let cell = grid[x, y]
                var attributes: Int32 = 0
                if cell.bold { attributes |= wb_attr_bold() }
                if cell.reverse { attributes |= wb_attr_reverse() }
                if cell.ink == .dim && !colours { attributes |= wb_attr_dim() }
                let scalar = cell.character.unicodeScalars.first ?? " "
                _ = wb_put_wide(Int32(y), Int32(x), wchar_t(scalar.value), attributes, colours ? Int16(cell.ink.rawValue) : 0)
            }
        }
        wnoutrefresh(wb_stdscr())
        doupdate()
    }

    /// The next key, or nil after the timeout (50 ms).
    public func readKey() -> Key? {
        var isFunction: Int32 = 0
        let code = wb_read_key(&isFunction)
        guard code != wb_err() else { return nil }
        if isFunction != 0 {
            switch code {
            case wb_key_up(): return .up
            case wb_key_down(): return .down
            case wb_key_left(): return .left
            case wb_key_right(): return .right
            case wb_key_btab(): return .backTab
            case wb_key_enter(): return .enter
            case wb_key_resize(): return .resize
            default: return nil
            }
        }
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        default: return Unicode.Scalar(UInt32(code)).map { .character(Character($0)) }
        }
    }
}
