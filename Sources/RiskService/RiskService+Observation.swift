import Foundation
import Monitoring
import Registry
import RiskCore

/// What happens to every prediction after it is computed: it gets an id, goes to the prediction log,
/// feeds the version's drift monitor and outcome tracker, and (when a shadow alias is set) is scored
/// again by the shadow off the hot path. Everything here is bounded and non-blocking.
extension RiskService {
    /// Records one answered instance and returns its prediction id.
    func observe(
        _ assessment: RiskAssessment, model: ServableModel?, modelName: String, values: [Double], names: [String],
        entity: String?
    ) -> String {
        let id = predictionIDs.next()
        let now = Date().timeIntervalSince1970
        counters.predictions.labels(modelName, assessment.source.rawValue, assessment.tier.rawValue).increment()
        predictionLog?.append(
            PredictionLogEntry(
                id: id, time: now, model: modelName, version: model.map { String($0.version) } ?? "none",
                entity: entity ?? "", features: Array(zip(names, values)).map { (name: $0.0, value: $0.1) },
                risk: assessment.risk, lower: assessment.lower, upper: assessment.upper,
                tier: assessment.tier.rawValue, reason: assessment.fallbackReason))
        if let model, assessment.source == .model {
            let observers = observers.observers(for: model, policy: effectiveTiers(for: model))
            if let score = assessment.score { observers.drift.record(features: values, score: score) }
            observers.outcomes.recordPrediction(
                id: id, entity: entity ?? "", risk: assessment.risk, tier: assessment.tier.rawValue, time: now)
        }
        return id
    }

    /// Sends the same instances to the model's shadow version, if it has one other than `production`.
    func shadow(
        _ entry: ModelEntry, production: ServableModel, instances: [PredictionRequest.Instance],
        assessments: [RiskAssessment]
    ) {
        guard let candidate = entry.shadow, candidate.version != production.version else { return }
        let rows = instances.map {
            PredictionRequest.vector($0, index: candidate.featureIndex, count: candidate.featureNames.count).values
        }
        shadowScorer.submit(
            rows: rows, production: assessments, shadow: candidate,
            scorer: RiskScorer(policy: tierPolicy(for: entry.name)),
            comparison: observers.shadowComparison(
                model: entry.name, production: production.version, shadow: candidate.version))
    }

    /// The thresholds actually applied to a version: the operator's, else its manifest's, else defaults.
    func effectiveTiers(for model: ServableModel) -> TierPolicy {
        tierPolicy(for: model.name) ?? TierPolicy().overridden(by: model.manifest.tiers)
    }
}
