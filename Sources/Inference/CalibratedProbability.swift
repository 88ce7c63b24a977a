/// A Venn-Abers prediction: the multiprobability interval [lower, upper] and the single probability that
/// merges it, so the service can report both a point estimate and its calibration uncertainty.
public struct CalibratedProbability: Sendable, Equatable {
    /// p0: the isotonic fit at the test point when it is labelled 0.
    public let lower: Double
    /// p1: the isotonic fit at the test point when it is labelled 1.
    public let upper: Double
    /// `p1 / (1 - p0 + p1)`.
    public let probability: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
        self.probability = upper / (1 - lower + upper)
    }
}
