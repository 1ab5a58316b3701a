/// A plotting surface at braille-dot resolution: each cell holds 2×4 dots, so a plot of
/// W×H cells has 2W×4H dots. A cell takes the ink of the last series that drew in it.
public struct BrailleCanvas {
    public let columns: Int
    public let rows: Int
    private var dots: [UInt8]
    private var inks: [Ink?]

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        dots = [UInt8](repeating: 0, count: self.columns * self.rows)
        inks = [Ink?](repeating: nil, count: self.columns * self.rows)
    }

    public var dotWidth: Int { columns * 2 }
    public var dotHeight: Int { rows * 4 }

    /// Bit of dot (dx, dy) inside a cell, in the Unicode braille pattern order.
    private static let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

    public mutating func set(_ x: Int, _ y: Int, ink: Ink) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let i = (y / 4) * columns + x / 2
        dots[i] |= Self.bits[y % 4][x % 2]
        inks[i] = ink
    }

    /// A line between two dots (Bresenham); `dashed` leaves every other run of 3 dots out.
    public mutating func line(from a: (Int, Int), to b: (Int, Int), ink: Ink, dashed: Bool = false) {
        var x = a.0, y = a.1
        let dx = abs(b.0 - a.0), dy = -abs(b.1 - a.1)
        let sx = a.0 < b.0 ? 1 : -1, sy = a.1 < b.1 ? 1 : -1
        var error = dx + dy, count = 0
        while true {
            if !dashed || (count / 3) % 2 == 0 { set(x, y, ink: ink) }
            count += 1
            if x == b.0 && y == b.1 { break }
            let e2 = 2 * error
            if e2 >= dy { error += dy; x += sx }
            if e2 <= dx { error += dx; y += sy }
        }
    }

    /// Copies the dots into `grid` with the top-left cell at (x, y); ASCII grids get '*'.
    public func draw(into grid: inout CellGrid, x: Int, y: Int) {
        for row in 0..<rows {
            for column in 0..<columns {
                let i = row * columns + column
                guard dots[i] != 0, let ink = inks[i] else { continue }
                let character: Character = grid.asciiOnly ? "*" : Unicode.Scalar(0x2800 + UInt32(dots[i])).map(Character.init) ?? "*"
                grid[x + column, y + row] = Cell(character, ink: ink)
            }
        }
    }
}
