import Foundation
import Testing
import TensorCore
@testable import Trainer

@Suite struct AugmentationTests {
    let side = 28

    func augmenter(_ recipe: AugmentationRecipe) -> Augmenter {
        Augmenter(recipe: recipe, side: side, mean: 0.2860, std: 0.3530)
    }

    @Test(arguments: [("mlp", AugmentationRecipe.mlp), ("convnet", AugmentationRecipe.convnet)])
    func cropAreaRatioAndFlipRateStayInTheirRanges(name: String, recipe: AugmentationRecipe) {
        let a = augmenter(recipe)
        var rng = RandomGenerator(seed: 5)
        let draws = 20_000
        var flips = 0, jittered = 0, erased = 0, areaSum: Float = 0
        for _ in 0..<draws {
            let d = a.draw(&rng)
            let area = Float(d.cropWidth * d.cropHeight) / Float(side * side)
            // Rounding to whole pixels widens the range by about one pixel row.
            #expect(area >= recipe.cropScale.lowerBound - 0.06 && area <= recipe.cropScale.upperBound)
            #expect(d.cropX >= 0 && d.cropY >= 0 && d.cropX + d.cropWidth <= side && d.cropY + d.cropHeight <= side)
            if d.cropWidth != side || d.cropHeight != side {
                let ratio = Float(d.cropWidth) / Float(d.cropHeight)
                #expect(ratio >= recipe.cropRatio.lowerBound - 0.15 && ratio <= recipe.cropRatio.upperBound + 0.15)
            }
            if d.flip { flips += 1 }
            if d.brightness != 1 || d.contrast != 1 {
                jittered += 1
                #expect(recipe.jitterFactor.contains(d.brightness) && recipe.jitterFactor.contains(d.contrast))
            }
            if d.eraseWidth > 0 {
                erased += 1
                let share = Float(d.eraseWidth * d.eraseHeight) / Float(side * side)
                #expect(share >= 0.01 && share <= 0.27)
                #expect(d.eraseX + d.eraseWidth <= side && d.eraseY + d.eraseHeight <= side)
            }
            areaSum += area
        }
        let flipRate = Double(flips) / Double(draws)
        #expect(abs(flipRate - Double(recipe.flipProbability)) < 0.015, "flip rate \(flipRate)")
        #expect(abs(Double(jittered) / Double(draws) - 0.8) < 0.015)
        #expect(abs(Double(erased) / Double(draws) - Double(recipe.eraseProbability)) < 0.02)
        // Uniform area scale: the mean area share lies near the middle of its range.
        let meanArea = areaSum / Float(draws)
        let middle = (recipe.cropScale.lowerBound + recipe.cropScale.upperBound) / 2
        #expect(abs(meanArea - middle) < 0.05, "mean crop area \(meanArea)")
    }

    @Test func sameSeedGivesIdenticalViewsAndDifferentSeedsDoNot() {
        let data = SyntheticShapes.dataset(trainCount: 64, testCount: 8)
        let a = augmenter(.mlp)
        func views(seed: UInt64) -> [Float] {
            var rng = RandomGenerator(seed: seed)
            let out = Tensor(shape: [0, 0])
            var draws: [AugmentationDraw] = []
            a.makeViews(of: data.train, indices: Array(0..<32)[...], into: out, draws: &draws, rng: &rng)
            return out.array
        }
        let first = views(seed: 11)
        #expect(first.count == 64 * side * side)
        #expect(first == views(seed: 11))
        #expect(first != views(seed: 12))
    }

    /// The batch is drawn in order on one thread and rendered over the kernels' threads: the
    /// same as rendering each draw in turn, on one thread and on two.
    @Test func batchedViewsEqualOneByOneOnOneAndTwoThreads() {
        let data = SyntheticShapes.dataset(trainCount: 64, testCount: 8)
        let a = augmenter(.mlp), indices = [5, 3, 60, 0, 17, 17, 42][...], n = indices.count, pixels = side * side
        var rng = RandomGenerator(seed: 7)
        var expected = [Float](repeating: 0, count: 2 * n * pixels)
        data.train.pixels.withUnsafeBufferPointer { source in
            expected.withUnsafeMutableBufferPointer { out in
                for (row, index) in indices.enumerated() {
                    for second in [false, true] {
                        a.apply(a.draw(&rng), to: source.baseAddress! + index * pixels,
                                into: out.baseAddress! + ((second ? n : 0) + row) * pixels)
                    }
                }
            }
        }
        for threads in [1, 2] {
            BLAS.setThreadCount(threads)
            defer { BLAS.setThreadCount(1) }  // what the other tests in this process expect
            var rng = RandomGenerator(seed: 7), draws: [AugmentationDraw] = []
            let out = Tensor(shape: [0, 0])
            a.makeViews(of: data.train, indices: indices, into: out, draws: &draws, rng: &rng)
            let same = out.array == expected
            #expect(same, "\(threads) threads")
        }
    }

    @Test func identityDrawOnlyNormalises() {
        let a = augmenter(.convnet)
        var d = AugmentationDraw()
        d.cropWidth = side
        d.cropHeight = side
        let image = (0..<(side * side)).map { Float($0 % 29) / 28 }
        var out = [Float](repeating: 0, count: side * side)
        image.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { a.apply(d, to: source.baseAddress!, into: $0.baseAddress!) }
        }
        for (o, x) in zip(out, image) { #expect(abs(o - (x - 0.2860) / 0.3530) < 1e-4) }
        // A flip mirrors each row.
        d.flip = true
        image.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { a.apply(d, to: source.baseAddress!, into: $0.baseAddress!) }
        }
        #expect(abs(out[0] - (image[side - 1] - 0.2860) / 0.3530) < 1e-4)
    }

    @Test func flippedViewIsTheMirrorImageOfTheUnflippedOne() {
        let a = augmenter(.mlp)
        var rng = RandomGenerator(seed: 41)
        let image = (0..<(side * side)).map { _ in rng.uniform(0, 1) }
        for _ in 0..<50 {
            var d = a.draw(&rng)
            var plain = [Float](repeating: 0, count: side * side), mirrored = plain
            d.flip = false
            image.withUnsafeBufferPointer { source in
                plain.withUnsafeMutableBufferPointer { a.apply(d, to: source.baseAddress!, into: $0.baseAddress!) }
            }
            d.flip = true
            d.eraseX = d.eraseWidth > 0 ? side - d.eraseX - d.eraseWidth : 0  // the erased box mirrored too
            image.withUnsafeBufferPointer { source in
                mirrored.withUnsafeMutableBufferPointer { a.apply(d, to: source.baseAddress!, into: $0.baseAddress!) }
            }
            // Equal up to the jitter's mean, summed in the other order.
            let same = (0..<side).allSatisfy { y in (0..<side).allSatisfy { x in abs(mirrored[y * side + x] - plain[y * side + side - 1 - x]) <= 1e-5 } }
            #expect(same, "crop \(d.cropX),\(d.cropY) \(d.cropWidth)×\(d.cropHeight)")
        }
    }

    @Test func jitterAndErasingStayWithinPixelRange() {
        let a = augmenter(.mlp)
        let image = [Float](repeating: 0.9, count: side * side)
        var d = AugmentationDraw()
        d.cropWidth = side; d.cropHeight = side
        d.brightness = 1.4; d.contrast = 0.6
        d.eraseX = 2; d.eraseY = 3; d.eraseWidth = 5; d.eraseHeight = 4
        var out = [Float](repeating: 0, count: side * side)
        image.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { a.apply(d, to: source.baseAddress!, into: $0.baseAddress!) }
        }
        let low = (0 - 0.2860) / Float(0.3530), high = (1 - 0.2860) / Float(0.3530)
        #expect(out.allSatisfy { $0 >= low - 1e-4 && $0 <= high + 1e-4 })
        #expect(abs(out[3 * side + 2] - low) < 1e-4)  // erased to black
        #expect(out[0] > low)
    }
}
