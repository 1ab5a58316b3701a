import Foundation
import TensorCore
import Testing
@testable import Trainer

/// The colour recipe (SimCLR's CIFAR recipe, colour strength 0.5), its draws and its views.
@Suite struct ColourAugmentationTests {
    static let data = SyntheticColours.dataset(classes: 10, trainPerClass: 8, testPerClass: 2)

    @Test func colourDataGetsTheColourRecipeAndGreyKeepsItsOwn() {
        #expect(AugmentationRecipe.forData(backbone: .mlp, channels: 3) == .colour)
        #expect(AugmentationRecipe.forData(backbone: .convnet, channels: 3) == .colour)
        #expect(AugmentationRecipe.forData(backbone: .mlp, channels: 1) == .mlp)
        #expect(AugmentationRecipe.forData(backbone: .convnet, channels: 1) == .convnet)
        #expect(Augmenter(backbone: .mlp, data: Self.data).recipe.name == "colour")
    }

    @Test(arguments: [32, 96])
    func drawsStayInTheirRangesAtTheirRates(side: Int) {
        let augmenter = Augmenter(recipe: .colour, shape: ImageShape(side: side, channels: 3),
                                  normalisation: Normalisation(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25]))
        var rng = RandomGenerator(seed: 3)
        let n = 4000
        var jittered = 0, grey = 0, blurred = 0, flipped = 0
        var orders = Set<UInt8>()
        for _ in 0..<n {
            let d = augmenter.draw(&rng)
            let area = Float(d.cropWidth * d.cropHeight) / Float(side * side)
            #expect(area >= 0.06 && area <= 1.0)
            if d.flip { flipped += 1 }
            if d.brightness != 1 || d.contrast != 1 {
                jittered += 1
                for factor in [d.brightness, d.contrast, d.saturation] { #expect(factor >= 0.6 && factor <= 1.4) }
                #expect(abs(d.hue) <= 0.1)
                let steps = (0..<4).map { (d.jitterOrder >> UInt8(2 * $0)) & 3 }
                #expect(Set(steps) == [0, 1, 2, 3], "a permutation of the four jitters")
                orders.insert(d.jitterOrder)
            } else {
                #expect(d.saturation == 1 && d.hue == 0)
            }
            if d.greyscale { grey += 1 }
            if d.blurSigma > 0 {
                blurred += 1
                #expect(d.blurSigma >= 0.1 && d.blurSigma <= 2.0)
            }
        }
        func rate(_ count: Int) -> Double { Double(count) / Double(n) }
        #expect(abs(rate(jittered) - 0.8) < 0.03)
        #expect(abs(rate(grey) - 0.2) < 0.03)
        #expect(abs(rate(flipped) - 0.5) < 0.03)
        #expect(orders.count == 24, "every order of the four jitters is drawn")
        if side >= 64 { #expect(abs(rate(blurred) - 0.5) < 0.03) } else { #expect(blurred == 0) }
    }

    @Test func viewsAreFiniteAndGreyscaleViewsHaveEqualChannels() {
        let augmenter = Augmenter(backbone: .convnet, data: Self.data)
        var rng = RandomGenerator(seed: 5), draws: [AugmentationDraw] = []
        let views = Tensor(shape: [0, 0])
        augmenter.makeViews(of: Self.data.train, indices: Array(0..<40)[...], into: views, draws: &draws, rng: &rng)
        #expect(views.shape == [80, 32 * 32 * 3])
        let finite = views.array.allSatisfy { $0.isFinite }
        #expect(finite)
        let values = views.array, n = augmenter.normalisation
        var checked = 0
        for (v, d) in draws.enumerated() where d.greyscale {
            // view order: first views 0..<N from draws 0, 2, …; second views from 1, 3, …
            let row = v % 2 == 0 ? v / 2 : 40 + v / 2
            for p in stride(from: 0, to: 1024, by: 97) {
                let base = row * 3072 + 3 * p
                let raw = (0..<3).map { values[base + $0] * n.std[$0] + n.mean[$0] }
                #expect(abs(raw[0] - raw[1]) < 1e-5 && abs(raw[1] - raw[2]) < 1e-5)
            }
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test func jittersMatchTheirDefinitions() {
        // One pixel, each jitter alone.
        func run(_ edit: (inout AugmentationDraw) -> Void, _ pixel: [Float]) -> [Float] {
            var d = AugmentationDraw()
            edit(&d)
            var image = pixel
            image.withUnsafeMutableBufferPointer { ColourJitter.apply(d, to: $0.baseAddress!, side: 1) }
            return image
        }
        let pixel: [Float] = [0.8, 0.4, 0.2]
        #expect(run({ $0.brightness = 1.2 }, pixel).map { ($0 * 1000).rounded() } == [960, 480, 240])
        let grey = 0.299 * 0.8 + 0.587 * 0.4 + 0.114 * 0.2 as Float
        let desaturated = run({ $0.saturation = 0.5 }, pixel)
        #expect(abs(desaturated[0] - (0.5 * 0.8 + 0.5 * grey)) < 1e-6)
        // A hue turn of a third of the circle sends red to green.
        let turned = run({ $0.hue = 1.0 / 3 }, [1, 0, 0])
        #expect(abs(turned[0]) < 1e-5 && abs(turned[1] - 1) < 1e-5 && abs(turned[2]) < 1e-5)
        let greyed = run({ $0.greyscale = true }, pixel)
        #expect(greyed.allSatisfy { abs($0 - grey) < 1e-6 })
        #expect(ColourJitter.blurTaps(side: 96) == 11 && ColourJitter.blurTaps(side: 64) == 7)
    }

    @Test func firstConvolutionWithThreeInputChannelsHasCorrectGradients() {
        var rng = RandomGenerator(seed: 21)
        let layer = Conv2d(inputChannels: 3, outputChannels: 4, height: 6, width: 6, bias: true, rng: &rng)
        let e = GradientCheck.check(layer, input: GradientCheck.randomTensor([2, 6, 6, 3], seed: 22), probes: 60)
        #expect(e.input < 2e-2)
        #expect(e.parameters < 2e-2)
    }

    @Test func backbonesTakeColourImages() {
        var rng = RandomGenerator(seed: 1)
        for kind in Backbone.allCases {
            let net = Architectures.backbone(kind, imageSide: 32, channels: 3, rng: &rng)
            let input = Tensor(shape: [4, 32 * 32 * 3], values: (0..<(4 * 3072)).map { Float($0 % 13) / 13 })
            let out = net.forward(input, training: true)
            #expect(out.shape == [4, kind.representationSize])
        }
    }
}
