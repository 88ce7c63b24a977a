import HTTPCore
import HTTPServer
import JSON
import Registry
import RiskCore

/// `POST /v1/models/{name}/predict` and its per-version twin: the hot path. Everything here runs inline
/// on the event loop against one registry snapshot, so a version swap mid-request cannot mix versions.
extension RiskService {
    func addPredictRoutes(to router: inout ServiceRoutes) {
        add(&router, .POST, "/v1/models/{name}/predict", role: .read) { [self] request, context, _ in
            try predict(request, model: context.parameters["name"] ?? "", version: nil)
        }
        add(&router, .POST, "/v1/models/{name}/versions/{version}/predict", role: .read) {
            [self] request, context, _ in
            try predict(
                request, model: context.parameters["name"] ?? "", version: context.parameters["version"] ?? "")
        }
    }

    private func predict(_ request: HTTPRequest, model name: String, version: String?) throws(HTTPResponseError)
        -> HTTPResponse
    {
        let rejectUnknown = try unknownFeaturePolicy(request)
        let body = try PredictionRequest(try jsonBody(request))
        let snapshot = registry.snapshot
        guard let entry = snapshot.models[name] else {
            throw HTTPResponseError.notFound(
                "model_not_found", "model \"\(name)\" not found; GET /v1/models lists the models")
        }
        let chosen: ServableModel?
        if let version {
            chosen = try pinnedVersion(entry, version)
        } else {
            chosen = entry.route(routingValue: routingValue(body.instances.first?.entity))
        }
        let scorer = RiskScorer(policy: tierPolicy(for: name))
        var answers: [(assessment: RiskAssessment, values: [Double], names: [String])] = []
        answers.reserveCapacity(body.instances.count)
        // Score everything first: a request is answered whole or not at all.
        for (index, instance) in body.instances.enumerated() {
            if let chosen {
                let (values, unknown) = PredictionRequest.vector(
                    instance, index: chosen.featureIndex, count: chosen.featureNames.count)
                if rejectUnknown, !unknown.isEmpty { throw unknownFeatures(index, unknown, chosen.featureNames) }
                var assessment: RiskAssessment
                do throws(ScoringError) {
                    assessment = try scorer.assess(values, with: chosen)
                } catch {
                    throw HTTPResponseError(
                        .unprocessableContent, error.kind.rawValue, "instances[\(index)]: \(error.message)")
                }
                assessment.unknownFeatures = unknown
                answers.append((assessment, values, chosen.featureNames))
            } else {
                answers.append(try fallbackWithoutModel(entry, instance, index: index, scorer: scorer))
            }
        }
        var predictions: [JSONValue] = []
        predictions.reserveCapacity(answers.count)
        for (answer, instance) in zip(answers, body.instances) {
            let id = observe(
                answer.assessment, model: chosen, modelName: name, values: answer.values, names: answer.names,
                entity: instance.entity)
            predictions.append(predictionJSON(answer.assessment, id: id, entity: instance.entity))
        }
        if let chosen, version == nil {
            shadow(entry, production: chosen, instances: body.instances, assessments: answers.map(\.assessment))
        }
        return .json(
            .ok,
            [
                "model": .string(name),
                "version": chosen.map { .string(String($0.version)) } ?? .null,
                "predictions": .array(predictions),
            ])
    }

    func predictionJSON(_ assessment: RiskAssessment, id: String, entity: String?) -> JSONValue {
        guard case .object(var object) = assessment.json else { return assessment.json }
        var result: JSONObject = ["prediction_id": .string(id)]
        if let entity { result.append("entity", .string(entity)) }
        for (key, value) in object { result.append(key, value) }
        object = result
        return .object(object)
    }

    /// The operator's tier thresholds for a model, if the policy file sets any.
    func tierPolicy(for model: String) -> TierPolicy? {
        policy.modelTiers[model] ?? policy.tiers
    }

    private func pinnedVersion(_ entry: ModelEntry, _ text: String) throws(HTTPResponseError) -> ServableModel {
        guard let number = Int(text), number > 0 else {
            throw HTTPResponseError.badRequest("version must be a positive integer, got \"\(text)\"")
        }
        if let model = entry.available[number] { return model }
        guard let status = entry.statuses[number] else {
            throw HTTPResponseError.notFound("version_not_found", "model \"\(entry.name)\" has no version \(number)")
        }
        let why = status.reason.map { ": \($0)" } ?? ""
        throw HTTPResponseError(
            .serviceUnavailable, "version_not_available", "version \(number) is \(status.state.rawValue)\(why)")
    }

    /// No version can answer: the newest manifest's rules do, or the request fails with 503.
    private func fallbackWithoutModel(
        _ entry: ModelEntry, _ instance: PredictionRequest.Instance, index: Int, scorer: RiskScorer
    ) throws(HTTPResponseError) -> (assessment: RiskAssessment, values: [Double], names: [String]) {
        let reason = "no loaded version of \(entry.name)"
        guard let manifest = entry.lastKnownManifest, !manifest.features.isEmpty else {
            throw HTTPResponseError(.serviceUnavailable, "model_unavailable", reason + " and no fallback rules")
        }
        let names = manifest.features.map(\.name)
        let position = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let (values, unknown) = PredictionRequest.vector(instance, index: position, count: names.count)
        guard var answer = scorer.fallback(manifest, names: names, values: values, reason: reason) else {
            throw HTTPResponseError(.serviceUnavailable, "model_unavailable", reason + " and no fallback rules")
        }
        answer.unknownFeatures = unknown
        return (answer, values, names)
    }

    private func unknownFeaturePolicy(_ request: HTTPRequest) throws(HTTPResponseError) -> Bool {
        switch request.queryValue("unknown_features") {
        case nil, "reject": return true
        case "ignore": return false
        case let other?:
            throw HTTPResponseError.badRequest("unknown_features must be reject or ignore, got \"\(other)\"")
        }
    }

    private func unknownFeatures(_ index: Int, _ names: [String], _ known: [String]) -> HTTPResponseError {
        let shown = names.prefix(10).joined(separator: ", ")
        return HTTPResponseError(
            .badRequest, "unknown_features",
            "instances[\(index)]: unknown features \(shown) (the model takes \(known.count) features; "
                + "GET /v1/models/{name} lists them; ?unknown_features=ignore reports instead of rejecting)")
    }

    /// A stable number in 0..<1 per entity, so an entity sticks to canary or production; random without one.
    func routingValue(_ entity: String?) -> Double {
        guard let entity else { return Double.random(in: 0..<1) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in entity.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return Double(hash >> 11) / Double(1 << 53)
    }
}
