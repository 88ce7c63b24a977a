import Inference
import Registry

/// Turns a feature vector into a `RiskAssessment` with one model version: predict, calibrate, bound,
/// tier, flag. Pure and allocation-light, so it runs inline on the event loop.
public struct RiskScorer: Sendable {
    /// The operator's thresholds; nil uses each manifest's suggestion over the defaults.
    public var policy: TierPolicy?

    public init(policy: TierPolicy?) {
        self.policy = policy
    }

    /// `values` are in the model's feature order, NaN for missing. Falls back to the manifest's rules
    /// when too few features are present; throws 503 when there are no rules either.
    public func assess(_ values: [Double], with model: ServableModel) throws(HTTPResponseError) -> RiskAssessment {
        let names = model.featureNames
        let missing = zip(names, values).filter { $0.1.isNaN }.map(\.0)
        let present = Double(values.count - missing.count) / Double(max(values.count, 1))
        if present < model.manifest.minFeatureFraction {
            let reason =
                "\(missing.count) of \(values.count) features missing "
                + "(needs \(Int((model.manifest.minFeatureFraction * 100).rounded()))% present)"
            guard var answer = fallback(model.manifest, names: names, values: values, reason: reason) else {
                throw HTTPResponseError(.serviceUnavailable, "prediction_unavailable", reason + "; no fallback rules")
            }
            answer.missingFeatures = missing
            return answer
        }
        let score = try Self.score(values, model.model)
        var assessment = RiskAssessment(
            risk: score, score: score, tier: .none, source: .model, missingFeatures: missing,
            outOfRangeFeatures: outOfRange(values, model))
        if let calibrator = model.calibrator {
            let calibrated = calibrator.calibrate(score)
            assessment.risk = calibrated.probability
            assessment.lower = calibrated.lower
            assessment.upper = calibrated.upper
        }
        let effective = policy ?? TierPolicy().overridden(by: model.manifest.tiers)
        assessment.tier = effective.tier(
            risk: assessment.risk, lower: assessment.lower, canEscalateToL3: assessment.isCalibrated)
        return assessment
    }

    /// The rule-based answer of a manifest (first matching rule, else the default risk), or nil.
    public func fallback(
        _ manifest: ModelManifest, names: [String], values: [Double], reason: String
    ) -> RiskAssessment? {
        guard let rules = manifest.fallback else { return nil }
        var risk = rules.defaultRisk
        var why = reason
        for rule in rules.rules {
            guard let index = names.firstIndex(of: rule.feature), index < values.count, !values[index].isNaN,
                rule.matches(values[index])
            else { continue }
            risk = rule.risk
            why += "; rule \(rule.feature) \(rule.comparison.rawValue) \(rule.value)"
            if let text = rule.reason { why += " (\(text))" }
            break
        }
        guard let risk else { return nil }
        // Rules are coarse: they may page L1 but never wake L3.
        let threshold = (policy ?? TierPolicy().overridden(by: manifest.tiers)).l1Risk
        let tier: EscalationTier = risk >= threshold ? .l1 : .none
        return RiskAssessment(
            risk: risk, score: nil, tier: tier, source: .fallback, fallbackReason: why,
            missingFeatures: zip(names, values).filter { $0.1.isNaN }.map(\.0), outOfRangeFeatures: [])
    }

    /// The probability of the positive ("fails") outcome.
    static func score(_ values: [Double], _ model: Model) throws(HTTPResponseError) -> Double {
        switch model.task {
        case .binaryClassification:
            return model.predict(values)[0]
        case .multiclass:
            // Class 0 is "healthy" by convention; risk is the chance of any failure class.
            return max(0, min(1, 1 - model.predict(values)[0]))
        case .regression:
            throw HTTPResponseError(
                .unprocessableContent, "unsupported_task",
                "regression models have no risk; call /v2/models/{name}/infer for raw outputs")
        }
    }

    private func outOfRange(_ values: [Double], _ model: ServableModel) -> [String] {
        let ranges = model.manifest.trainingRange
        guard !ranges.isEmpty else { return [] }
        var names: [String] = []
        for (index, name) in model.featureNames.enumerated() {
            guard let range = ranges[name], !values[index].isNaN else { continue }
            if !range.contains(values[index]) { names.append(name) }
        }
        return names
    }
}
