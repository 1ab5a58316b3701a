/// Reference accuracies drawn as dashed lines on every accuracy plot: raw pixels, the
/// network at random initialisation and, when a supervised run is present, its final value.
public struct References: Sendable, Equatable {
    public var pixelsKNN: Double?
    public var pixelsLinear: Double?
    public var randomInitKNN: Double?
    public var randomInitLinear: Double?

    public init(pixelsKNN: Double? = nil, pixelsLinear: Double? = nil, randomInitKNN: Double? = nil, randomInitLinear: Double? = nil) {
        self.pixelsKNN = pixelsKNN
        self.pixelsLinear = pixelsLinear
        self.randomInitKNN = randomInitKNN
        self.randomInitLinear = randomInitLinear
    }

    public func pixels(_ measure: AccuracyMeasure) -> Double? { measure == .knn ? pixelsKNN : pixelsLinear }
    public func randomInit(_ measure: AccuracyMeasure) -> Double? { measure == .knn ? randomInitKNN : randomInitLinear }
}
