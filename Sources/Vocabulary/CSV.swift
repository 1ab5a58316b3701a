/// RFC 4180 CSV: quoting for writers and a parser for readers of the project's own files.
public enum CSV {
    /// The field as it must appear in a CSV file: quoted when it holds a comma, a quote or
    /// a line break, with inner quotes doubled.
    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Rows of fields; quoted fields may hold commas, doubled quotes and line breaks.
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, afterQuote = false
        var iterator = text.makeIterator()
        while let c = iterator.next() {
            if quoted {
                if c == "\"" { quoted = false; afterQuote = true } else { field.append(c) }
                continue
            }
            switch c {
            case "\"":
                if afterQuote { field.append("\"") }
                quoted = true
                afterQuote = false
            case ",":
                row.append(field); field = ""; afterQuote = false
            case "\n", "\r\n":
                row.append(field); rows.append(row); row = []; field = ""; afterQuote = false
            case "\r":
                afterQuote = false
            default:
                field.append(c); afterQuote = false
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
