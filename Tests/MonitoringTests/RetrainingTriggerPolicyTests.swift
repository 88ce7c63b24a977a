import ModelSpec
import Testing

@testable import Monitoring

/// Per-feature limits calibrated by the pipeline replace the global thresholds only for their feature, and a
/// calibrated sample size can raise the minimum but never lower it.
@Suite struct RetrainingTriggerPolicyTests {
    static let reference = ReferenceDistribution(edges: [0, 10, 20], proportions: [0.5, 0.5], mean: 10, std: 5)

    /// Both features moved the same way: all values in the upper bin, mean 15 (+50 %).
    static func report() -> DriftReport {
        let values = [Double](repeating: 15, count: 50)
        let features = ["a", "b"].map { FeatureDrift(name: $0, reference: reference, values: values) }
        return DriftReport(
            model: "m", version: "1", samples: 50, observed: 50, features: features, score: nil, ewma: nil)
    }

    @Test func featureLimitsReplaceTheGlobalThresholdsForThatFeatureOnly() throws {
        let base = RetrainingTriggerPolicy(minSamples: 200)
        let psi = try #require(Self.report().features.first?.psi)
        #expect(psi > 0.2)
        #expect(base.breaches(Self.report()).count == 4)  // PSI and mean shift, both features
        let calibrated = base.calibrated(
            featureThresholds: ["a": .init(psi: psi + 0.01, meanShiftPercent: 60)], minSamples: 300)
        let reasons = calibrated.breaches(Self.report())
        #expect(reasons.count == 2 && reasons.allSatisfy { $0.hasPrefix("b:") })
        let onlyPSI = base.calibrated(
            featureThresholds: ["a": .init(psi: psi + 0.01, meanShiftPercent: nil)], minSamples: nil)
        #expect(onlyPSI.breaches(Self.report()).filter { $0.hasPrefix("a:") }.count == 1)  // mean shift keeps 10 %
        #expect(calibrated.minSamples == 300)
        #expect(base.calibrated(featureThresholds: [:], minSamples: 100).minSamples == 200)
    }
}
