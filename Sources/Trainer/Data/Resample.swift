/// Values of an image in [0, 1], read by index: floats as they are, bytes as byte / 255.
public protocol PixelSource {
    subscript(_ index: Int) -> Float { get }
}

/// Floats read as they are.
public struct FloatPixels: PixelSource {
    public let base: UnsafePointer<Float>

    public init(_ base: UnsafePointer<Float>) { self.base = base }

    @inlinable public subscript(_ index: Int) -> Float { base[index] }
}

/// Bytes read as values in [0, 1].
public struct BytePixels: PixelSource {
    public let base: UnsafePointer<UInt8>

    public init(_ base: UnsafePointer<UInt8>) { self.base = base }

    @inlinable public subscript(_ index: Int) -> Float { Float(base[index]) * (1 / 255) }
}

/// Bilinear resampling of a rectangle of an image (channels interleaved) onto a square grid.
public enum Resample {
    /// Samples the box (x0, y0, width, height) of `source` (`sourceWidth × sourceHeight`,
    /// `channels` values per pixel) onto `side × side` pixels of `destination`, pixel centres
    /// aligned as in torchvision; `mirrored` flips the output left to right (the same values
    /// as a flip afterwards).
    @inlinable
    public static func bilinear<Source: PixelSource>(
        _ source: Source, sourceWidth: Int, sourceHeight: Int, channels: Int = 1,
        x0: Float, y0: Float, width: Float, height: Float,
        into destination: UnsafeMutablePointer<Float>, side: Int, mirrored: Bool = false
    ) {
        let scaleX = width / Float(side), scaleY = height / Float(side)
        let maxX = sourceWidth - 1, maxY = sourceHeight - 1
        let rowValues = sourceWidth * channels
        // Every output row samples the same columns: their taps and weights, computed once
        // (on the stack) and stored in output order.
        withUnsafeTemporaryAllocation(of: (left: Int, right: Int, fraction: Float).self, capacity: side) { columns in
            for ox in 0..<side {
                let sx = min(max(x0 + (Float(ox) + 0.5) * scaleX - 0.5, 0), Float(maxX))
                let left = Int(sx)
                columns[mirrored ? side - 1 - ox : ox] = (left * channels, min(left + 1, maxX) * channels, sx - Float(left))
            }
            for oy in 0..<side {
                let sy = min(max(y0 + (Float(oy) + 0.5) * scaleY - 0.5, 0), Float(maxY))
                let top = Int(sy)
                let fy = sy - Float(top)
                let upperRow = top * rowValues, lowerRow = min(top + 1, maxY) * rowValues
                let out = destination + oy * side * channels
                for x in 0..<side {
                    let (left, right, fx) = columns[x]
                    for c in 0..<channels {
                        let upper = source[upperRow + left + c] * (1 - fx) + source[upperRow + right + c] * fx
                        let lower = source[lowerRow + left + c] * (1 - fx) + source[lowerRow + right + c] * fx
                        out[x * channels + c] = upper * (1 - fy) + lower * fy
                    }
                }
            }
        }
    }
}
