/// The ncurses front end (filled in by the TUI issue).
public enum TUIModule {
    public static let version = 1
}
