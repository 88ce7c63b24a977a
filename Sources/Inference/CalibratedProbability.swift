/// A Venn-Abers prediction: the interval [lower, upper] and the single probability that merges p0 and p1,
/// so the service can report both a point estimate and its calibration uncertainty.
public struct CalibratedProbability: Sendable, Equatable {
    /// The interval's lower end: p0, or the binomial lower bound of p0's calibration cell.
    public let lower: Double
    /// The interval's upper end: p1, or the binomial upper bound of p1's calibration cell.
    public let upper: Double
    /// `p1 / (1 - p0 + p1)`.
    public let probability: Double

    /// Plain Venn-Abers: the interval is [p0, p1].
    public init(lower: Double, upper: Double) {
        self.init(p0: lower, p1: upper, lower: lower, upper: upper)
    }

    public init(p0: Double, p1: Double, lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
        self.probability = p1 / (1 - p0 + p1)
    }
}
