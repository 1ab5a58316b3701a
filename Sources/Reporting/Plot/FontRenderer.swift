import CFreeType
import Foundation

/// Glyphs from a TrueType font through FreeType, as anti-aliased coverage bitmaps.
final class FontRenderer {
    /// DejaVu Sans from Debian's fonts-dejavu-core.
    static let regularPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    static let boldPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

    struct FontError: Error, CustomStringConvertible {
        let description: String
    }

    private var library: FT_Library?
    private var face: FT_Face?
    private var currentSize: UInt32 = 0

    init(path: String) throws(FontError) {
        guard FT_Init_FreeType(&library) == 0, let library else {
            throw FontError(description: "FreeType could not start")
        }
        guard FT_New_Face(library, path, 0, &face) == 0, face != nil else {
            throw FontError(description: "\(path): cannot load the font (install it with `apt-get install fonts-dejavu-core`)")
        }
    }

    deinit {
        if let face { FT_Done_Face(face) }
        if let library { FT_Done_FreeType(library) }
    }

    /// One rendered glyph: coverage rows, offsets from the pen position, and the advance.
    struct Glyph {
        var coverage: [UInt8]
        var width: Int
        var rows: Int
        var left: Int
        var top: Int
        var advance: Double
    }

    func glyph(_ scalar: Unicode.Scalar, size: Double) -> Glyph? {
        guard let face else { return nil }
        let pixels = UInt32(max(1, size.rounded()))
        if pixels != currentSize {
            FT_Set_Pixel_Sizes(face, 0, pixels)
            currentSize = pixels
        }
        guard FT_Load_Char(face, FT_ULong(scalar.value), Int32(wb_ft_load_render())) == 0,
              let slot = face.pointee.glyph else { return nil }
        let bitmap = slot.pointee.bitmap
        let width = Int(bitmap.width), rows = Int(bitmap.rows), pitch = Int(bitmap.pitch)
        var coverage = [UInt8](repeating: 0, count: width * rows)
        if let buffer = bitmap.buffer, width > 0, rows > 0 {
            for r in 0..<rows {
                for c in 0..<width { coverage[r * width + c] = buffer[r * pitch + c] }
            }
        }
        return Glyph(coverage: coverage, width: width, rows: rows, left: Int(slot.pointee.bitmap_left),
                     top: Int(slot.pointee.bitmap_top), advance: Double(slot.pointee.advance.x) / 64)
    }

    func width(_ string: String, size: Double) -> Double {
        string.unicodeScalars.reduce(0) { $0 + (glyph($1, size: size)?.advance ?? size * 0.5) }
    }
}
