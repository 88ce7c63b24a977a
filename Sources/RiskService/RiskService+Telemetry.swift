import Alerting
import Features
import Foundation
import HTTPCore
import HTTPRouting
import HTTPServer
import JSON
import Registry
import RiskCore

/// Raw telemetry in, current risk out: points go into the entity's rolling windows, then every model
/// that scores telemetry computes its manifest's features as of the entity's latest point.
extension RiskService {
    func addTelemetryRoutes(to router: inout ServiceRoutes) {
        // On a worker: an assessment may page, and a page is fsynced to the outbox before it counts.
        add(&router, .POST, "/v1/entities/{entity}/telemetry", role: .write, blocking: true) {
            [self] request, context, _ in
            let entity = try entityID(context)
            let batch = try TelemetryBatch(
                try jsonBody(request), now: Date().timeIntervalSince1970, maxClockSkew: configuration.maxClockSkew)
            let models = try requestedModels(request)
            try refreshFromSharedStore(entity)
            let report = try ingest(entity, batch)
            var result: JSONObject = ["entity": .string(entity), "ingest": report.json]
            result.append("risks", .array(try assessEntity(entity, models: models, asOf: nil)))
            // Durable before the 2xx: a kill -9 after this answer loses none of these points.
            try persistTelemetry(entity, batch)
            return .json(.ok, .object(result))
        }
        // Also on a worker: a read may page too (the risk it computes feeds the incident loop).
        add(&router, .GET, "/v1/entities/{entity}/risk", role: .read, blocking: true) { [self] request, context, _ in
            let entity = try entityID(context)
            try refreshFromSharedStore(entity)
            let models = try requestedModels(request)
            // Prometheus-sourced models answer from their latest evaluation (riskd keeps no telemetry for them).
            let sourced = prometheusRisks(entity: entity, models: models)
            guard entities.labels(entity: entity) != nil else {
                guard sourced.isEmpty else { return .json(.ok, ["entity": .string(entity), "risks": .array(sourced)]) }
                throw HTTPResponseError.notFound(
                    "entity_not_found",
                    "no telemetry for entity \"\(entity)\" (or it was evicted), and no Prometheus feature source "
                        + "returned it")
            }
            var asOf: Double?
            if let text = request.queryValue("as_of") {
                guard let value = Double(text), value.isFinite else {
                    throw HTTPResponseError.badRequest("as_of: expected Unix seconds")
                }
                asOf = value
            }
            let risks = try assessEntity(entity, models: models, asOf: asOf)
            return .json(.ok, ["entity": .string(entity), "risks": .array(sourced + risks)])
        }
    }

    private func entityID(_ context: RouteContext) throws(HTTPResponseError) -> String {
        let entity = context.parameters["entity"] ?? ""
        guard EntityStore.isValidEntityID(entity) else {
            throw HTTPResponseError.badRequest("entity: 1 to 256 bytes without control characters")
        }
        return entity
    }

    private func requestedModels(_ request: HTTPRequest) throws(HTTPResponseError) -> [String]? {
        guard let name = request.queryValue("model") else { return nil }
        guard registry.snapshot.models[name] != nil else {
            throw HTTPResponseError.notFound("model_not_found", "model \"\(name)\" not found")
        }
        return [name]
    }

    func ingest(_ entity: String, _ batch: TelemetryBatch) throws(HTTPResponseError) -> IngestReport {
        applyRetentionIfModelsChanged()
        do {
            let report = try entities.ingest(entity: entity, points: batch.points, labels: batch.labels)
            counters.telemetryPoints.labels("accepted").increment(by: UInt64(report.accepted + report.replaced))
            let rejected = report.rejectedTooOld + report.rejectedInvalid + report.rejectedLimit
            counters.telemetryPoints.labels("rejected").increment(by: UInt64(rejected))
            return report
        } catch .byteBudgetExhausted {
            counters.telemetryPoints.labels("rejected").increment(by: UInt64(batch.points.count))
            throw HTTPResponseError(
                Self.insufficientStorage, "telemetry_budget_exhausted",
                "the telemetry store is at its byte budget (--max-telemetry-bytes \(entities.limits.maxBytes)); "
                    + "nothing was stored")
        } catch {
            throw HTTPResponseError(
                .serviceUnavailable, "entity_limit", "\(error); retry later or raise --max-entities")
        }
    }

    /// 507: the store has no room for more telemetry (a capacity limit, not a client error to retry soon).
    private static let insufficientStorage = HTTPStatus(code: 507, reasonPhrase: "Insufficient Storage")

    /// The entity's risk under each telemetry-scoring model (or just `models`). Throws 422 for an as-of
    /// time whose windows reach into history already dropped, and 503 when a page cannot be stored.
    func assessEntity(_ entity: String, models: [String]?, asOf: Double?) throws(HTTPResponseError) -> [JSONValue] {
        let snapshot = registry.snapshot
        var results: [JSONValue] = []
        for name in models ?? telemetryModels(snapshot) {
            // A Prometheus-sourced model is never scored from posted telemetry (two sources, one incident).
            guard let entry = snapshot.models[name], prometheusFeed?.isSourced(name) != true else { continue }
            guard let model = entry.route(routingValue: EntityRouting.routingValue(entity)) else {
                if let result = try assessWithoutModel(entry, entity: entity, asOf: asOf) { results.append(result) }
                continue
            }
            let specs = model.manifest.features
            guard let vector = entities.features(entity: entity, specs: specs, asOf: asOf) else { continue }
            if let asOf { try requireRetainedHistory(vector, asOf: asOf, model: name) }
            var result: JSONObject = ["model": .string(name)]
            result.append("version", .string(String(model.version)))
            result.append("as_of", .number(vector.asOf))
            result.append("features", featuresJSON(specs, vector))
            let assessment: RiskAssessment
            do throws(ScoringError) {
                assessment = try RiskScorer(policy: tierPolicy(for: name)).assess(vector.values, with: model)
            } catch {
                result.append("error", ["code": .string(error.kind.rawValue), "message": .string(error.message)])
                results.append(.object(result))
                continue
            }
            let id = observe(
                assessment, model: model, modelName: name, values: vector.values, names: model.featureNames,
                entity: entity)
            result.append("prediction", predictionJSON(assessment, id: id, entity: entity))
            shadowEntity(entry, production: model, entity: entity, asOf: vector.asOf, assessment: assessment)
            try alert(model: name, version: model.version, entity: entity, assessment: assessment, predictionID: id)
            results.append(.object(result))
        }
        return results
    }

    /// No version of the model is loaded: page that the model is unavailable (paging must not stop
    /// silently), and answer from the last known manifest's fallback rules when it has any.
    private func assessWithoutModel(_ entry: ModelEntry, entity: String, asOf: Double?) throws(HTTPResponseError)
        -> JSONValue?
    {
        try Self.storing { () throws(OutboxError) in
            try incidentLoop.modelUnavailable(model: entry.name, now: Date().timeIntervalSince1970)
        }
        var result: JSONObject = ["model": .string(entry.name), "version": .null]
        let reason = RiskAssessment.modelUnavailableReason(model: entry.name)
        guard let manifest = entry.lastKnownManifest, !manifest.features.isEmpty,
            let vector = entities.features(entity: entity, specs: manifest.features, asOf: asOf)
        else {
            result.append(
                "error", ["code": "model_unavailable", "message": .string(reason + " and no fallback rules")])
            return .object(result)
        }
        if let asOf { try requireRetainedHistory(vector, asOf: asOf, model: entry.name) }
        let names = manifest.features.map(\.name)
        result.append("as_of", .number(vector.asOf))
        result.append("features", featuresJSON(manifest.features, vector))
        let scorer = RiskScorer(policy: tierPolicy(for: entry.name))
        guard let assessment = scorer.fallback(manifest, names: names, values: vector.values, reason: reason) else {
            result.append(
                "error", ["code": "model_unavailable", "message": .string(reason + " and no fallback rules")])
            return .object(result)
        }
        let id = observe(
            assessment, model: nil, modelName: entry.name, values: vector.values, names: names, entity: entity)
        result.append("prediction", predictionJSON(assessment, id: id, entity: entity))
        try alert(model: entry.name, version: nil, entity: entity, assessment: assessment, predictionID: id)
        return .object(result)
    }

    private func featuresJSON(_ specs: [FeatureSpec], _ vector: FeatureVector) -> JSONValue {
        .object(JSONObject(zip(specs, vector.values).map { ($0.name, $1.isNaN ? .null : .number($1)) }))
    }

    /// 422 instead of silently missing features: the as-of windows reach into dropped history.
    private func requireRetainedHistory(_ vector: FeatureVector, asOf: Double, model: String) throws(HTTPResponseError)
    {
        guard asOf < vector.earliestExactAsOf else { return }
        throw HTTPResponseError(
            .unprocessableContent, "as_of_out_of_range",
            "as_of \(Self.seconds(asOf)) is older than the retained history: \(model)'s windows are exact for "
                + "as_of from \(Self.seconds(vector.earliestExactAsOf)) to \(Self.seconds(vector.latestTimestamp)) "
                + "(older points were dropped by retention)")
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private func shadowEntity(
        _ entry: ModelEntry, production: ServableModel, entity: String, asOf: Double, assessment: RiskAssessment
    ) {
        guard let candidate = entry.shadow, candidate.version != production.version,
            let vector = entities.features(entity: entity, specs: candidate.manifest.features, asOf: asOf)
        else { return }
        shadowScorer.submit(
            rows: FeatureMatrix(row: vector.values), production: [assessment], shadow: candidate,
            scorer: RiskScorer(policy: tierPolicy(for: entry.name)),
            comparison: observers.shadowComparison(
                model: entry.name, production: production.version, shadow: candidate.version))
    }

    /// Models named in the policy, else every model whose manifest (serving, or last known when no version
    /// is loaded) says how to build its features.
    private func telemetryModels(_ snapshot: RegistrySnapshot) -> [String] {
        if !policy.telemetryModels.isEmpty { return policy.telemetryModels }
        return snapshot.models.keys.sorted().filter {
            guard let entry = snapshot.models[$0] else { return false }
            return (entry.serving?.manifest ?? entry.lastKnownManifest)?.features.isEmpty == false
        }
    }

    /// Keeps each metric as long as the longest window any loaded model needs.
    func applyRetentionIfModelsChanged() {
        let snapshot = registry.snapshot
        guard retentionGeneration.exchange(snapshot.generation, ordering: .acquiringAndReleasing) != snapshot.generation
        else { return }
        var retention: [String: Double] = [:]
        for entry in snapshot.models.values {
            // The last known manifest too: a model that lost its versions still answers from fallback rules
            // over these windows, and its next version needs them back intact.
            let manifests = entry.available.values.map(\.manifest) + [entry.lastKnownManifest].compactMap { $0 }
            for spec in manifests.flatMap(\.features) {
                retention[spec.metric] = max(retention[spec.metric] ?? 0, spec.windowSeconds)
            }
        }
        entities.setRetention(retention)
    }
}
