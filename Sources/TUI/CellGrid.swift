import Vocabulary

/// Colours of the screen, as indices the ncurses sink maps to colour pairs.
public enum Ink: UInt8, Sendable, CaseIterable {
    case normal = 0, dim, accent, good, warning, bad, simclr, moco, byol, triplet, supervised, extra, fork

    /// The ink of a method's curves and names.
    public static func method(_ method: MethodKind) -> Ink {
        switch method {
        case .simclr: .simclr
        case .moco: .moco
        case .byol: .byol
        case .triplet: .triplet
        case .supervised: .supervised
        }
    }
}

/// One character cell: a character, its ink and attributes.
public struct Cell: Sendable, Equatable {
    public var character: Character
    public var ink: Ink
    public var bold: Bool
    public var reverse: Bool

    public init(_ character: Character = " ", ink: Ink = .normal, bold: Bool = false, reverse: Bool = false) {
        self.character = character
        self.ink = ink
        self.bold = bold
        self.reverse = reverse
    }
}

/// A rectangle of cells.
public struct Rect: Sendable, Equatable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The rectangle shrunk by `margin` on every side.
    public func inset(_ margin: Int) -> Rect { Rect(x: x + margin, y: y + margin, width: width - 2 * margin, height: height - 2 * margin) }
}

/// The screen as plain data: panels draw here, the terminal sink copies it to ncurses in
/// one pass, and tests read it back as text.
public struct CellGrid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Draw with ASCII only (no box drawing, no braille), for terminals that ask for it.
    public var asciiOnly = false

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = [Cell](repeating: Cell(), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { x >= 0 && y >= 0 && x < width && y < height ? cells[y * width + x] : Cell() }
        set { if x >= 0 && y >= 0 && x < width && y < height { cells[y * width + x] = newValue } }
    }

    /// An ASCII stand-in for a character a terminal without UTF-8 (`LANG=C`) cannot show:
    /// ω reads as w, · as a dot, arrows as > and <, anything else unknown as ?.
    public static func ascii(_ character: Character) -> Character {
        if character.isASCII { return character }
        let table: [Character: Character] = [
            "·": ".", "ω": "w", "τ": "t", "γ": "g", "→": ">", "←": "<", "↳": ">", "↑": "^", "↓": "v",
            "±": "~", "×": "x", "…": ".", "—": "-", "–": "-", "≈": "~", "≥": ">", "≤": "<", "█": "#",
            "÷": "/", "░": ".", "▏": "|", "▕": "|", "━": "-", "─": "-", "│": "|", "┄": ".", "″": "\"", "′": "'", "✓": "v", "✗": "x",
        ]
        return table[character] ?? "?"
    }

    /// Writes `text` from (x, y), clipped to `limit` cells (and to the grid).
    public mutating func put(_ text: String, x: Int, y: Int, ink: Ink = .normal, bold: Bool = false,
                             reverse: Bool = false, limit: Int? = nil) {
        var column = x
        let end = limit.map { x + $0 } ?? width
        for character in text {
            guard column < end else { break }
            self[column, y] = Cell(asciiOnly ? Self.ascii(character) : character, ink: ink, bold: bold, reverse: reverse)
            column += 1
        }
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = Cell()) {
        for y in rect.y..<(rect.y + rect.height) { for x in rect.x..<(rect.x + rect.width) { self[x, y] = cell } }
    }

    /// A frame around `rect` with a title in its top edge; highlighted when focused.
    public mutating func frame(_ rect: Rect, title: String, focused: Bool) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let ink: Ink = focused ? .accent : .dim
        let (h, v, tl, tr, bl, br): (Character, Character, Character, Character, Character, Character) =
            asciiOnly ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        for x in (rect.x + 1)..<(rect.x + rect.width - 1) {
            self[x, rect.y] = Cell(h, ink: ink)
            self[x, rect.y + rect.height - 1] = Cell(h, ink: ink)
        }
        for y in (rect.y + 1)..<(rect.y + rect.height - 1) {
            self[rect.x, y] = Cell(v, ink: ink)
            self[rect.x + rect.width - 1, y] = Cell(v, ink: ink)
        }
        self[rect.x, rect.y] = Cell(tl, ink: ink)
        self[rect.x + rect.width - 1, rect.y] = Cell(tr, ink: ink)
        self[rect.x, rect.y + rect.height - 1] = Cell(bl, ink: ink)
        self[rect.x + rect.width - 1, rect.y + rect.height - 1] = Cell(br, ink: ink)
        // A title too long for the frame ends in an ellipsis rather than mid-word at the corner.
        let room = max(0, rect.width - 6)
        let shown = title.count <= room ? title : String(title.prefix(max(0, room - 1))) + (asciiOnly ? "." : "…")
        put(" \(shown) ", x: rect.x + 2, y: rect.y, ink: focused ? .accent : .normal, bold: true, limit: rect.width - 4)
    }

    /// The grid as lines of text (for tests and text screenshots).
    public var text: String {
        (0..<height).map { y in String((0..<width).map { cells[y * width + $0].character }) }.joined(separator: "\n")
    }

    /// One row as text.
    public func line(_ y: Int) -> String { String((0..<width).map { self[$0, y].character }) }
}
