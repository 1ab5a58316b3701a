/// Bilinear resampling of a rectangle of a grey image onto a square output grid.
public enum Resample {
    /// Samples the box (x0, y0, width, height) of `source` (`sourceWidth × sourceHeight`)
    /// onto `side × side` pixels of `destination`, pixel centres aligned as in torchvision.
    @inlinable
    public static func bilinear(
        _ source: UnsafePointer<Float>, sourceWidth: Int, sourceHeight: Int,
        x0: Float, y0: Float, width: Float, height: Float,
        into destination: UnsafeMutablePointer<Float>, side: Int
    ) {
        let scaleX = width / Float(side), scaleY = height / Float(side)
        let maxX = sourceWidth - 1, maxY = sourceHeight - 1
        for oy in 0..<side {
            let sy = min(max(y0 + (Float(oy) + 0.5) * scaleY - 0.5, 0), Float(maxY))
            let top = Int(sy)
            let bottom = min(top + 1, maxY)
            let fy = sy - Float(top)
            for ox in 0..<side {
                let sx = min(max(x0 + (Float(ox) + 0.5) * scaleX - 0.5, 0), Float(maxX))
                let left = Int(sx)
                let right = min(left + 1, maxX)
                let fx = sx - Float(left)
                let upper = source[top * sourceWidth + left] * (1 - fx) + source[top * sourceWidth + right] * fx
                let lower = source[bottom * sourceWidth + left] * (1 - fx) + source[bottom * sourceWidth + right] * fx
                destination[oy * side + ox] = upper * (1 - fy) + lower * fy
            }
        }
    }
}
