/// How a `VennAbersCalibrator` turns the calibration cell into a population probability and an interval
/// (training/calibration.py is the reference; both must agree to the last bit on the same inputs).
///
/// The defaults reproduce plain Venn-Abers: every point weighs 1, scores are compared exactly, and the
/// interval is [p0, p1].
public struct CalibrationIntervalOptions: Sendable, Equatable {
    /// Weight of each negative calibration point relative to a positive one: the prior correction when the
    /// calibration slice sub-samples negatives (e.g. 256/13 for a 13-in-256 sample of healthy drives).
    public var negativeWeight: Double
    /// Normal quantile of the Wilson score interval over the calibration cell; nil = interval is [p0, p1].
    public var intervalZ: Double?
    /// Rows per independent observation (correlated rows of one entity); divides the cell's row counts.
    public var designEffect: Double
    /// Scores are snapped to multiples of 1 / `scoreGrid` before comparison (ties = equal snapped scores);
    /// nil compares raw scores.
    public var scoreGrid: Double?

    public init(
        negativeWeight: Double = 1, intervalZ: Double? = nil, designEffect: Double = 1, scoreGrid: Double? = nil
    ) {
        self.negativeWeight = negativeWeight
        self.intervalZ = intervalZ
        self.designEffect = designEffect
        self.scoreGrid = scoreGrid
    }

    /// `floor(score * grid + 0.5) / grid`, the tie rule shared with the pipeline.
    func snap(_ score: Double) -> Double {
        guard let scoreGrid else { return score }
        return (score * scoreGrid + 0.5).rounded(.down) / scoreGrid
    }
}
