import JSON
import ModelSpec

/// How far the recent values of one feature (or the score) have moved from their reference distribution,
/// by three complementary measures: PSI (binned shape), KS (distribution function, with a p-value) and
/// mean shift (location, in reference std units and percent).
public struct FeatureDrift: Sendable, Equatable {
    public let name: String
    /// Finite recent values used.
    public let samples: Int
    public let psi: Double?
    public let ksStatistic: Double?
    public let ksPValue: Double?
    public let currentMean: Double?
    /// (current mean − reference mean) / reference std; nil when the std is 0.
    public let meanShiftStd: Double?
    /// 100 · (current mean − reference mean) / |reference mean|; nil when the reference mean is 0.
    public let meanShiftPercent: Double?

    /// Compares `values` (NaN = missing, skipped) to `reference`. KS needs a reference sample.
    public init(name: String, reference: ReferenceDistribution, values: [Double]) {
        let finite = values.filter(\.isFinite).sorted()
        self.name = name
        samples = finite.count
        guard !finite.isEmpty else {
            psi = nil
            ksStatistic = nil
            ksPValue = nil
            currentMean = nil
            meanShiftStd = nil
            meanShiftPercent = nil
            return
        }
        psi = DriftStatistics.psi(
            reference: reference.proportions, current: DriftStatistics.binProportions(finite, edges: reference.edges))
        if reference.sample.isEmpty {
            ksStatistic = nil
            ksPValue = nil
        } else {
            let d = DriftStatistics.ksStatistic(sortedA: reference.sample, sortedB: finite)
            ksStatistic = d
            ksPValue = DriftStatistics.ksPValue(statistic: d, sizeA: reference.sample.count, sizeB: finite.count)
        }
        let mean = finite.reduce(0, +) / Double(finite.count)
        currentMean = mean
        meanShiftStd = reference.std > 0 ? (mean - reference.mean) / reference.std : nil
        meanShiftPercent = reference.mean != 0 ? 100 * (mean - reference.mean) / abs(reference.mean) : nil
    }

    public func json() -> JSONValue {
        [
            "name": .string(name), "samples": .number(Double(samples)), "psi": .optional(psi),
            "ks_statistic": .optional(ksStatistic), "ks_p_value": .optional(ksPValue),
            "current_mean": .optional(currentMean), "mean_shift_std": .optional(meanShiftStd),
            "mean_shift_percent": .optional(meanShiftPercent),
        ]
    }
}
