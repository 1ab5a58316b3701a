/// Bilinear resampling of a rectangle of a grey image onto a square output grid.
public enum Resample {
    /// Samples the box (x0, y0, width, height) of `source` (`sourceWidth × sourceHeight`)
    /// onto `side × side` pixels of `destination`, pixel centres aligned as in torchvision;
    /// `mirrored` flips the output left to right (the same values as a flip afterwards).
    @inlinable
    public static func bilinear(
        _ source: UnsafePointer<Float>, sourceWidth: Int, sourceHeight: Int,
        x0: Float, y0: Float, width: Float, height: Float,
        into destination: UnsafeMutablePointer<Float>, side: Int, mirrored: Bool = false
    ) {
        let scaleX = width / Float(side), scaleY = height / Float(side)
        let maxX = sourceWidth - 1, maxY = sourceHeight - 1
        // Every output row samples the same columns: their taps and weights, computed once
        // (on the stack) and stored in output order.
        withUnsafeTemporaryAllocation(of: (left: Int, right: Int, fraction: Float).self, capacity: side) { columns in
            for ox in 0..<side {
                let sx = min(max(x0 + (Float(ox) + 0.5) * scaleX - 0.5, 0), Float(maxX))
                let left = Int(sx)
                columns[mirrored ? side - 1 - ox : ox] = (left, min(left + 1, maxX), sx - Float(left))
            }
            for oy in 0..<side {
                let sy = min(max(y0 + (Float(oy) + 0.5) * scaleY - 0.5, 0), Float(maxY))
                let top = Int(sy)
                let fy = sy - Float(top)
                let upperRow = source + top * sourceWidth, lowerRow = source + min(top + 1, maxY) * sourceWidth
                let out = destination + oy * side
                for x in 0..<side {
                    let (left, right, fx) = columns[x]
                    let upper = upperRow[left] * (1 - fx) + upperRow[right] * fx
                    let lower = lowerRow[left] * (1 - fx) + lowerRow[right] * fx
                    out[x] = upper * (1 - fy) + lower * fy
                }
            }
        }
    }
}
