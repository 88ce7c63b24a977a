import Foundation
import Monitoring
import Registry
import RiskCore
import Storage

/// What happens to every prediction after it is computed: it is counted, sampled into the prediction
/// log, feeds its version's drift monitor and is queued for the store's outcome join; a shadow version
/// scores the same rows off the hot path. A batch takes a handful of short locks per request (one per structure and
/// version, sharded inside each), never one per row, and nothing here waits for a disk.
extension RiskService {
    /// Records one scored group of a request; `ids` and `entities` are indexed by instance.
    func observe(_ group: ScoredGroup, modelName: String, ids: [String], entities: [String?]) {
        let now = Date().timeIntervalSince1970
        let registry = self.observers
        let observers = group.model.map { registry.observers(for: $0, policy: effectiveTiers(for: $0)) }
        // Without a loaded version (fallback rules only) the series are looked up: a rare, degraded path.
        (observers?.predictions
            ?? PredictionCounters(model: modelName, version: "none", family: counters.predictions))
            .count(group.assessments)
        countFallbacks(group.assessments, modelName: modelName)
        let version = group.model.map { String($0.version) } ?? "none"
        if let log = predictionLog {
            let sampled = log.sample(count: group.rows.count)
            if !sampled.isEmpty {
                log.append(
                    contentsOf: sampled.map { index in
                        let row = group.rows[index]
                        let assessment = group.assessments[index]
                        return PredictionLogEntry(
                            id: ids[row], time: now, model: modelName, version: version, entity: entities[row] ?? "",
                            featureNames: group.names, values: Array(group.matrix.row(index)), risk: assessment.risk,
                            lower: assessment.lower, upper: assessment.upper, tier: assessment.tier.rawValue,
                            reason: assessment.fallbackReason)
                    })
            }
        }
        guard let observers else { return }
        var records: [PredictionRecord] = []
        records.reserveCapacity(group.rows.count)
        let count = group.assessments.count
        // The scored rows and their scores for drift, on the stack for the usual batch.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { scored in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { scores in
                var scoredCount = 0
                // By index: iterating the assessments would copy each (and retain its strings and arrays).
                for index in group.assessments.indices where group.assessments[index].source == .model {
                    if let score = group.assessments[index].score {
                        scored[scoredCount] = index
                        scores[scoredCount] = score
                        scoredCount += 1
                    }
                    let row = group.rows[index]
                    records.append(
                        PredictionRecord(
                            id: ids[row], model: modelName, version: version, entity: entities[row] ?? "",
                            risk: group.assessments[index].risk, tier: group.assessments[index].tier.rawValue,
                            time: now))
                }
                if scoredCount > 0 {
                    observers.drift.record(
                        rows: group.matrix.values, indices: UnsafeBufferPointer(rebasing: scored[..<scoredCount]),
                        scores: UnsafeBufferPointer(rebasing: scores[..<scoredCount]))
                }
            }
        }
        // The outcome join is the store's: queued here, written off the hot path, labelled by outcome reports.
        if !records.isEmpty { predictionJournal.record(contentsOf: records) }
    }

    /// `riskd_fallback_predictions_total{model, reason}`: one add per reason present in the batch (fallback
    /// answers are the rare, degraded path, so the series is looked up here).
    private func countFallbacks(_ assessments: [RiskAssessment], modelName: String) {
        var byCause: [String: UInt64] = [:]
        // The source is read in place; only a fallback answer is read whole for its cause.
        for index in assessments.indices where assessments[index].source == .fallback {
            if let cause = assessments[index].fallbackCause { byCause[cause, default: 0] += 1 }
        }
        for (cause, count) in byCause { counters.fallbackPredictions.labels(modelName, cause).increment(by: count) }
    }

    /// Records one answered instance (telemetry assessments) and returns its prediction id.
    func observe(
        _ assessment: RiskAssessment, model: ServableModel?, modelName: String, values: [Double], names: [String],
        entity: String?
    ) -> String {
        let id = predictionIDs.next()
        let group = ScoredGroup(
            model: model, rows: [0], names: names, matrix: FeatureMatrix(row: values), assessments: [assessment])
        observe(group, modelName: modelName, ids: [id], entities: [entity])
        return id
    }

    /// Sends a production group's instances to the model's shadow version, if it has one other than
    /// `production`, in the shadow's own feature order.
    func shadow(_ entry: ModelEntry, production: ServableModel, group: ScoredGroup, body: PredictionRequest) {
        guard let candidate = entry.shadow, candidate.version != production.version else { return }
        let rows =
            candidate.featureNames == group.names
            ? group.matrix
            : body.matrix(rows: group.rows, names: candidate.featureNames, featureIndex: candidate.featureIndex).0
        shadowScorer.submit(
            rows: rows, production: group.assessments, shadow: candidate,
            scorer: RiskScorer(policy: tierPolicy(for: entry.name)),
            comparison: observers.shadowComparison(
                model: entry.name, production: production.version, shadow: candidate.version))
    }

    /// The thresholds actually applied to a version: the operator's, else its manifest's, else defaults.
    func effectiveTiers(for model: ServableModel) -> TierPolicy {
        tierPolicy(for: model.name) ?? TierPolicy().overridden(by: model.manifest.tiers)
    }
}
