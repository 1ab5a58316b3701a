import Foundation

/// The colour half of a view: brightness, contrast, saturation and hue jitter in the draw's
/// order, greyscale, and Gaussian blur, on one RGB image of values in [0, 1] with its
/// channels interleaved, in place (as torchvision's ColorJitter, RandomGrayscale and
/// GaussianBlur define them).
enum ColourJitter {
    /// Luma weights of ITU-R 601, as torchvision's `rgb_to_grayscale`.
    static let luma: (r: Float, g: Float, b: Float) = (0.299, 0.587, 0.114)

    static func apply(_ d: AugmentationDraw, to image: UnsafeMutablePointer<Float>, side: Int) {
        let pixels = side * side
        if d.brightness != 1 || d.contrast != 1 || d.saturation != 1 || d.hue != 0 {
            for step in 0..<4 {
                switch (d.jitterOrder >> UInt8(2 * step)) & 3 {
                case 0: brightness(d.brightness, image, pixels)
                case 1: contrast(d.contrast, image, pixels)
                case 2: saturation(d.saturation, image, pixels)
                default: hue(d.hue, image, pixels)
                }
            }
        }
        if d.greyscale {
            for p in 0..<pixels {
                let v = grey(image + 3 * p)
                image[3 * p] = v
                image[3 * p + 1] = v
                image[3 * p + 2] = v
            }
        }
        if d.blurSigma > 0 { blur(image, side: side, sigma: d.blurSigma) }
    }

    @inline(__always) static func grey(_ pixel: UnsafeMutablePointer<Float>) -> Float {
        luma.r * pixel[0] + luma.g * pixel[1] + luma.b * pixel[2]
    }

    @inline(__always) static func clamp(_ v: Float) -> Float { min(max(v, 0), 1) }

    static func brightness(_ factor: Float, _ image: UnsafeMutablePointer<Float>, _ pixels: Int) {
        guard factor != 1 else { return }
        for i in 0..<(3 * pixels) { image[i] = clamp(image[i] * factor) }
    }

    /// Blends with the mean grey level of the whole image.
    static func contrast(_ factor: Float, _ image: UnsafeMutablePointer<Float>, _ pixels: Int) {
        guard factor != 1 else { return }
        var sum: Float = 0
        for p in 0..<pixels { sum += grey(image + 3 * p) }
        let mean = sum / Float(max(pixels, 1))
        for i in 0..<(3 * pixels) { image[i] = clamp(factor * image[i] + (1 - factor) * mean) }
    }

    /// Blends every pixel with its own grey level.
    static func saturation(_ factor: Float, _ image: UnsafeMutablePointer<Float>, _ pixels: Int) {
        guard factor != 1 else { return }
        for p in 0..<pixels {
            let px = image + 3 * p, g = grey(px)
            for c in 0..<3 { px[c] = clamp(factor * px[c] + (1 - factor) * g) }
        }
    }

    /// Turns the hue of every pixel by `shift` of the circle (through HSV).
    static func hue(_ shift: Float, _ image: UnsafeMutablePointer<Float>, _ pixels: Int) {
        guard shift != 0 else { return }
        for p in 0..<pixels {
            let px = image + 3 * p
            let r = px[0], g = px[1], b = px[2]
            let high = max(r, g, b), low = min(r, g, b), delta = high - low
            guard delta > 0 else { continue }  // grey: no hue to turn
            var h: Float
            if high == r { h = (g - b) / delta } else if high == g { h = 2 + (b - r) / delta } else { h = 4 + (r - g) / delta }
            h = h / 6 + shift
            h -= h.rounded(.down)
            let s = delta / high, v = high
            let sector = h * 6, i = min(Int(sector), 5), f = sector - Float(i)
            let pv = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
            let (nr, ng, nb): (Float, Float, Float)
            switch i {
            case 0: (nr, ng, nb) = (v, t, pv)
            case 1: (nr, ng, nb) = (q, v, pv)
            case 2: (nr, ng, nb) = (pv, v, t)
            case 3: (nr, ng, nb) = (pv, q, v)
            case 4: (nr, ng, nb) = (t, pv, v)
            default: (nr, ng, nb) = (v, pv, q)
            }
            px[0] = clamp(nr)
            px[1] = clamp(ng)
            px[2] = clamp(nb)
        }
    }

    /// Kernel taps of the blur: about a tenth of the side, odd, at least 3.
    static func blurTaps(side: Int) -> Int {
        let k = max(3, Int((Float(side) / 10).rounded()))
        return k % 2 == 1 ? k : k + 1
    }

    /// Separable Gaussian blur with reflected borders (torchvision's GaussianBlur).
    static func blur(_ image: UnsafeMutablePointer<Float>, side: Int, sigma: Float) {
        let taps = blurTaps(side: side), radius = taps / 2, rowValues = 3 * side
        withUnsafeTemporaryAllocation(of: Float.self, capacity: taps + 3 * side * side) { work in
            guard let base = work.baseAddress else { return }
            let weights = base, scratch = base + taps
            var total: Float = 0
            for t in 0..<taps {
                let x = Float(t - radius)
                weights[t] = Foundation.exp(-x * x / (2 * sigma * sigma))
                total += weights[t]
            }
            for t in 0..<taps { weights[t] /= total }
            func reflect(_ i: Int) -> Int {
                var j = i
                if j < 0 { j = -j }
                if j >= side { j = 2 * side - 2 - j }
                return min(max(j, 0), side - 1)
            }
            // Horizontal into the scratch, vertical back into the image.
            for y in 0..<side {
                for x in 0..<side {
                    for c in 0..<3 {
                        var sum: Float = 0
                        for t in 0..<taps { sum += weights[t] * image[y * rowValues + 3 * reflect(x + t - radius) + c] }
                        scratch[y * rowValues + 3 * x + c] = sum
                    }
                }
            }
            for y in 0..<side {
                for x in 0..<side {
                    for c in 0..<3 {
                        var sum: Float = 0
                        for t in 0..<taps { sum += weights[t] * scratch[reflect(y + t - radius) * rowValues + 3 * x + c] }
                        image[y * rowValues + 3 * x + c] = sum
                    }
                }
            }
        }
    }
}
