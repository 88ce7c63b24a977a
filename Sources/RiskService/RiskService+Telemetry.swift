import Features
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
            let batch = try TelemetryBatch(try jsonBody(request))
            let report = try ingest(entity, batch)
            var result: JSONObject = ["entity": .string(entity), "ingest": report.json]
            result.append("risks", .array(assessEntity(entity, models: try requestedModels(request), asOf: nil)))
            return .json(.ok, .object(result))
        }
        add(&router, .GET, "/v1/entities/{entity}/risk", role: .read) { [self] request, context, _ in
            let entity = try entityID(context)
            guard entities.labels(entity: entity) != nil else {
                throw HTTPResponseError.notFound(
                    "entity_not_found", "no telemetry for entity \"\(entity)\" (or it was evicted)")
            }
            var asOf: Double?
            if let text = request.queryValue("as_of") {
                guard let value = Double(text), value.isFinite else {
                    throw HTTPResponseError.badRequest("as_of: expected Unix seconds")
                }
                asOf = value
            }
            let risks = assessEntity(entity, models: try requestedModels(request), asOf: asOf)
            return .json(.ok, ["entity": .string(entity), "risks": .array(risks)])
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
        } catch {
            throw HTTPResponseError(
                .serviceUnavailable, "entity_limit", "\(error); retry later or raise --max-entities")
        }
    }

    /// The entity's risk under each telemetry-scoring model (or just `models`).
    func assessEntity(_ entity: String, models: [String]?, asOf: Double?) -> [JSONValue] {
        let snapshot = registry.snapshot
        var results: [JSONValue] = []
        for name in models ?? telemetryModels(snapshot) {
            guard let entry = snapshot.models[name] else { continue }
            var result: JSONObject = ["model": .string(name)]
            guard let model = entry.route(routingValue: EntityRouting.routingValue(entity)) else {
                result.append(
                    "error", ["code": "model_unavailable", "message": .string("no loaded version of \(name)")])
                results.append(.object(result))
                continue
            }
            let specs = model.manifest.features
            guard let vector = entities.features(entity: entity, specs: specs, asOf: asOf) else { continue }
            result.append("version", .string(String(model.version)))
            result.append("as_of", .number(vector.asOf))
            result.append(
                "features",
                .object(JSONObject(zip(specs, vector.values).map { ($0.name, $1.isNaN ? .null : .number($1)) })))
            do throws(ScoringError) {
                let assessment = try RiskScorer(policy: tierPolicy(for: name)).assess(vector.values, with: model)
                let id = observe(
                    assessment, model: model, modelName: name, values: vector.values, names: model.featureNames,
                    entity: entity)
                result.append("prediction", predictionJSON(assessment, id: id, entity: entity))
                shadowEntity(entry, production: model, entity: entity, asOf: vector.asOf, assessment: assessment)
                alert(model: model, entity: entity, assessment: assessment, predictionID: id)
            } catch {
                result.append("error", ["code": .string(error.kind.rawValue), "message": .string(error.message)])
            }
            results.append(.object(result))
        }
        return results
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

    /// Models named in the policy, else every serving model whose manifest says how to build its features.
    private func telemetryModels(_ snapshot: RegistrySnapshot) -> [String] {
        if !policy.telemetryModels.isEmpty { return policy.telemetryModels }
        return snapshot.models.keys.sorted().filter { snapshot.models[$0]?.serving?.manifest.features.isEmpty == false }
    }

    /// Keeps each metric as long as the longest window any loaded model needs.
    private func applyRetentionIfModelsChanged() {
        let snapshot = registry.snapshot
        guard retentionGeneration.exchange(snapshot.generation, ordering: .acquiringAndReleasing) != snapshot.generation
        else { return }
        var retention: [String: Double] = [:]
        for entry in snapshot.models.values {
            for model in entry.available.values {
                for spec in model.manifest.features {
                    retention[spec.metric] = max(retention[spec.metric] ?? 0, spec.windowSeconds)
                }
            }
        }
        entities.setRetention(retention)
    }
}
