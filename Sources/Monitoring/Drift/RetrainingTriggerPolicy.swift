import JSON
import ModelSpec

/// When drift is bad enough that the model should be retrained, stated as explicit thresholds so the
/// decision is explainable ("smart_5_raw_last PSI 0.31 > 0.2") rather than a black box.
public struct RetrainingTriggerPolicy: Sendable, Equatable {
    /// Fire when any feature's PSI exceeds this.
    public var psiThreshold: Double
    /// Fire when any feature's |mean shift| exceeds this many percent of its reference mean.
    public var meanShiftPercentThreshold: Double
    /// Also fire when the score's EWMA chart is out of control.
    public var fireOnEWMA: Bool
    /// No decision below this many recent samples (statistics would be noise).
    public var minSamples: Int
    /// After firing, stay quiet for this long.
    public var cooldownSeconds: Double
    /// Per-feature limits that replace the two global thresholds for that feature (calibrated by the training
    /// pipeline so that in-distribution samples of `minSamples` rarely breach).
    public var featureThresholds: [String: FeatureThresholds] = [:]

    /// PSI and |mean shift %| limits for one feature, as the manifest's `drift.features` states them.
    public typealias FeatureThresholds = ModelManifest.FeatureLimits

    public init(
        psiThreshold: Double = 0.2, meanShiftPercentThreshold: Double = 10, fireOnEWMA: Bool = false,
        minSamples: Int = 200, cooldownSeconds: Double = 86_400
    ) {
        self.psiThreshold = psiThreshold
        self.meanShiftPercentThreshold = meanShiftPercentThreshold
        self.fireOnEWMA = fireOnEWMA
        self.minSamples = minSamples
        self.cooldownSeconds = cooldownSeconds
    }

    /// The reasons `report` breaches the policy, ignoring sample count and cooldown; empty when none.
    public func breaches(_ report: DriftReport) -> [String] {
        var reasons: [String] = []
        for feature in report.features {
            let limits = featureThresholds[feature.name]
            let psiLimit = limits?.psi ?? psiThreshold
            let shiftLimit = limits?.meanShiftPercent ?? meanShiftPercentThreshold
            if let psi = feature.psi, psi > psiLimit {
                reasons.append("\(feature.name): PSI \(Self.format(psi)) > \(Self.format(psiLimit))")
            }
            if let shift = feature.meanShiftPercent, abs(shift) > shiftLimit {
                reasons.append(
                    "\(feature.name): mean shift \(Self.format(shift))% beyond ±\(Self.format(shiftLimit))%")
            }
        }
        if fireOnEWMA, let ewma = report.ewma, ewma.isOutOfControl {
            reasons.append("score: EWMA \(Self.format(ewma.value)) outside control limits")
        }
        return reasons
    }

    /// This policy with a model version's calibrated limits: per-feature thresholds replace the global ones
    /// for those features, and decisions wait for at least the sample size they were calibrated at.
    public func calibrated(featureThresholds limits: [String: FeatureThresholds], minSamples calibratedAt: Int?)
        -> RetrainingTriggerPolicy
    {
        var result = self
        result.featureThresholds.merge(limits) { _, new in new }
        result.minSamples = max(minSamples, calibratedAt ?? 0)
        return result
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        return "\(rounded)"
    }
}
