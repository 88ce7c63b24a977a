import Alerting
import Features
import Foundation
import JSON
import PrometheusSource
import Registry
import RiskCore

/// Scoring the entities of a Prometheus feature source: the declared queries run at one evaluation time,
/// their vectors are joined into one row per entity, each serving (or canary) version scores its rows
/// with one engine call, and every assessment goes through the same observers and incident decisions as
/// an assessment from posted telemetry, so pages keep their dedup keys, suppression and digests.
extension RiskService {
    func evaluatePrometheusSource(_ source: PrometheusFeatureSource, feed: PrometheusFeatureFeed) {
        feed.measure(source) { () throws(PrometheusFeatureFeed.Failure) in
            // Millisecond precision, as Prometheus keeps time: every feature of the evaluation uses this instant.
            let time = (Date().timeIntervalSince1970 * 1000).rounded() / 1000
            return try scorePrometheusSource(source, feed: feed, at: time)
        }
    }

    private func scorePrometheusSource(_ source: PrometheusFeatureSource, feed: PrometheusFeatureFeed, at time: Double)
        throws(PrometheusFeatureFeed.Failure) -> PrometheusFeatureFeed.ModelResults
    {
        guard let entry = registry.snapshot.models[source.model], entry.serving != nil else {
            // Paging must not stop silently: the same "no loaded version" page as for telemetry.
            do throws(OutboxError) {
                try incidentLoop.modelUnavailable(model: source.model, now: time)
            } catch {
                throw .init(reason: "incident_storage", message: "model-unavailable page not stored: \(error)")
            }
            throw .init(reason: "model_unavailable", message: "no loaded version of \(source.model)")
        }
        let vectors: [String: InstantVector]
        do throws(PrometheusQueryError) {
            vectors = try feed.runner.evaluate(source.features, at: time)
        } catch {
            if case .tooManySeries(let count, _) = error { feed.recordSeries(model: source.model, count: count) }
            throw .init(reason: error.reason, message: error.description)
        }
        feed.recordSeries(model: source.model, count: vectors.values.reduce(0) { $0 + $1.samples.count })
        let names = source.features.map(\.name)
        let rows = FeatureRows(joining: vectors, entityLabel: source.entityLabel, columns: names)
        if !rows.ambiguous.isEmpty || rows.unlabeled > 0 {
            logger.warning(
                "Prometheus feature series could not be joined by the entity label",
                [
                    "model": .string(source.model), "entity_label": .string(source.entityLabel),
                    "unlabeled_series": .number(Double(rows.unlabeled)),
                    "entities_with_several_series": .object(
                        JSONObject(rows.ambiguous.sorted { $0.key < $1.key }.map { ($0, .number(Double($1))) })),
                ])
        }
        // One id per returned entity, indexed like `rows` (as the predict path indexes ids by instance).
        let ids = predictionIDs.next(count: rows.entities.count)
        var entities: [String: PrometheusFeatureFeed.EntityResult] = [:]
        for (model, indices) in routePrometheusRows(rows, entry: entry, feed: feed) {
            let group = try scorePrometheusGroup(rows, indices, with: model, source: source, feed: feed)
            observe(group, modelName: source.model, ids: ids, entities: rows.entities)
            for (position, row) in group.rows.enumerated() {
                let entity = rows.entities[row]
                let assessment = group.assessments[position]
                do {
                    try decideIncident(
                        model: source.model, version: model.version, entity: entity, assessment: assessment,
                        predictionID: ids[row], labels: rows.labels[row])
                } catch {
                    throw .init(reason: "incident_storage", message: "\(entity): \(error.message)")
                }
                entities[entity] = .init(
                    version: model.version, featureNames: model.featureNames,
                    features: Array(group.matrix.row(position)), assessment: assessment, predictionID: ids[row])
            }
        }
        return .init(evaluatedAt: time, entities: entities)
    }

    /// Row indices grouped by the version that answers each entity (production, or the canary's share).
    private func routePrometheusRows(_ rows: FeatureRows, entry: ModelEntry, feed: PrometheusFeatureFeed)
        -> [(ServableModel, [Int])]
    {
        var groups: [(ServableModel, [Int])] = []
        for (row, entity) in rows.entities.enumerated() {
            guard EntityStore.isValidEntityID(entity) else {
                feed.skippedEntities.labels(entry.name, "invalid_entity_id").increment()
                continue
            }
            guard let model = entry.route(routingValue: EntityRouting.unitValue(entity)) else {
                feed.skippedEntities.labels(entry.name, "not_routed").increment()
                continue
            }
            if let index = groups.firstIndex(where: { $0.0 === model }) {
                groups[index].1.append(row)
            } else {
                groups.append((model, [row]))
            }
        }
        return groups
    }

    /// One version's rows placed in its feature order and scored by one engine call. Without fallback rules,
    /// a row with too few features would fail the whole batch, so just that entity is skipped (and counted).
    private func scorePrometheusGroup(
        _ rows: FeatureRows, _ indices: [Int], with model: ServableModel, source: PrometheusFeatureSource,
        feed: PrometheusFeatureFeed
    ) throws(PrometheusFeatureFeed.Failure) -> ScoredGroup {
        var targets: [Int] = []
        for name in rows.columns {
            guard let target = model.featureIndex[name] else {
                throw .init(
                    reason: "unknown_feature",
                    message: "version \(model.version) of \(source.model) has no feature \(name)")
            }
            targets.append(target)
        }
        let width = model.featureNames.count
        var kept: [Int] = []
        var values: [Double] = []
        values.reserveCapacity(indices.count * width)
        for row in indices {
            var line = [Double](repeating: .nan, count: width)
            for (column, target) in targets.enumerated() { line[target] = rows.values[row * targets.count + column] }
            let present = Double(line.count { !$0.isNaN }) / Double(max(width, 1))
            if model.manifest.fallback == nil, present < model.manifest.minFeatureFraction {
                feed.skippedEntities.labels(source.model, "insufficient_features").increment()
                continue
            }
            kept.append(row)
            values.append(contentsOf: line)
        }
        var matrix = FeatureMatrix(rowCount: kept.count, columnCount: width)
        matrix.values = values
        do throws(ScoringError) {
            let assessments = try RiskScorer(policy: tierPolicy(for: source.model)).assess(batch: matrix, with: model)
            return ScoredGroup(
                model: model, rows: kept, names: model.featureNames, matrix: matrix, assessments: assessments)
        } catch {
            throw .init(reason: "scoring_error", message: error.message)
        }
    }

    /// `GET /v1/entities/{e}/risk` entries for Prometheus-sourced models: the latest successful evaluation.
    func prometheusRisks(entity: String, models: [String]?) -> [JSONValue] {
        guard let feed = prometheusFeed else { return [] }
        return feed.results(entity: entity, models: models).map { model, results, result in
            var object: JSONObject = ["model": .string(model), "version": .string(String(result.version))]
            object.append("as_of", .number(results.evaluatedAt))
            object.append("feature_source", "prometheus")
            object.append(
                "features", .object(JSONObject(zip(result.featureNames, result.features).map { ($0, .finite($1)) })))
            object.append("prediction", predictionJSON(result.assessment, id: result.predictionID, entity: entity))
            return .object(object)
        }
    }
}
