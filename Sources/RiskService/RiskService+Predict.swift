import HTTPCore
import HTTPRouting
import HTTPServer
import JSON
import Registry
import RiskCore

/// One model version's share of a predict request: which instances it answered, their features in its
/// order, and the answers. `model` is nil when no version is loaded and the newest manifest's rules
/// answered.
struct ScoredGroup {
    let model: ServableModel?
    let rows: [Int]
    let names: [String]
    let matrix: FeatureMatrix
    var assessments: [RiskAssessment]
}

/// `POST /v1/models/{name}/predict` and its per-version twin: the hot path, top to bottom.
///
/// The body is decoded straight into cells (no JSON tree); each instance is routed by its own entity
/// (canary or production); each version scores its rows with one engine call (`RiskScorer`); the
/// observers record the batch with a few locks per request, not per row; the response is written
/// straight into bytes. One registry snapshot per request, so a version swap cannot mix versions.
/// Bodies above `largeBodyBytes` run on the bounded worker pool instead of an event loop.
extension RiskService {
    /// Larger predict bodies (several hundred rows) take more than ~100 µs to score.
    static let largeBodyBytes = 256 << 10

    func addPredictRoutes(to router: inout ServiceRoutes) {
        let large: @Sendable (HTTPRequest) -> Bool = { $0.body.count > Self.largeBodyBytes }
        add(&router, .POST, "/v1/models/{name}/predict", role: .read, blocking: large) { [self] request, context, _ in
            try predict(request, model: context.parameters["name"] ?? "", version: nil)
        }
        add(&router, .POST, "/v1/models/{name}/versions/{version}/predict", role: .read, blocking: large) {
            [self] request, context, _ in
            try predict(
                request, model: context.parameters["name"] ?? "", version: context.parameters["version"] ?? "")
        }
    }

    private func predict(_ request: HTTPRequest, model name: String, version: String?) throws(HTTPResponseError)
        -> HTTPResponse
    {
        let rejectUnknown = try unknownFeaturePolicy(request)
        try requireJSONContentType(request)
        guard let entry = registry.snapshot.models[name] else {
            throw HTTPResponseError.notFound(
                "model_not_found", "model \"\(name)\" not found; GET /v1/models lists the models")
        }
        let pinned = try version.map { (text) throws(HTTPResponseError) in try pinnedVersion(entry, text) }
        let expected = pinned ?? entry.serving
        let body = try PredictionRequest(
            request.body, expecting: expected?.featureNames ?? [], index: expected?.featureIndex ?? [:],
            keys: expected?.featureKeys ?? .empty)
        let scorer = RiskScorer(policy: tierPolicy(for: name))
        // Score everything first: a request is answered whole or not at all.
        var groups: [ScoredGroup] = []
        for (model, rows) in route(body, entry, pinned: pinned) {
            if let model {
                groups.append(try score(rows, of: body, with: model, scorer: scorer, rejectUnknown: rejectUnknown))
            } else {
                groups.append(try fallbackWithoutModel(entry, rows, of: body, scorer: scorer))
            }
        }
        let ids = predictionIDs.next(count: body.count)
        for group in groups {
            observe(group, modelName: name, ids: ids, entities: body.entities)
            if version == nil, let model = group.model { shadow(entry, production: model, group: group, body: body) }
        }
        return .json(.ok, encode(groups, of: body, model: name, ids: ids))
    }

    /// Instances grouped by the version that answers them: the pinned one, else each instance's own
    /// entity decides canary or production (a random share for instances without an entity).
    private func route(_ body: PredictionRequest, _ entry: ModelEntry, pinned: ServableModel?)
        -> [(ServableModel?, [Int])]
    {
        let all = Array(0..<body.count)
        if let pinned { return [(pinned, all)] }
        let serving = entry.serving
        guard let version = entry.aliases.canary, let canary = entry.available[version], canary !== serving,
            entry.aliases.canaryWeight > 0
        else { return [(serving, all)] }
        var canaryRows: [Int] = []
        var servingRows: [Int] = []
        for row in all {
            if entry.route(routingValue: EntityRouting.routingValue(body.entities[row])) === canary {
                canaryRows.append(row)
            } else {
                servingRows.append(row)
            }
        }
        return [(serving, servingRows), (canary, canaryRows)].filter { !$0.1.isEmpty }
    }

    private func score(
        _ rows: [Int], of body: PredictionRequest, with model: ServableModel, scorer: RiskScorer, rejectUnknown: Bool
    ) throws(HTTPResponseError) -> ScoredGroup {
        let (matrix, unknown) = body.matrix(rows: rows, names: model.featureNames, featureIndex: model.featureIndex)
        if rejectUnknown, let first = unknown.firstIndex(where: { !$0.isEmpty }) {
            throw unknownFeatures(rows[first], unknown[first], model.featureNames)
        }
        var assessments: [RiskAssessment]
        do throws(ScoringError) {
            assessments = try scorer.assess(batch: matrix, with: model)
        } catch {
            throw HTTPResponseError(error, instance: rows[error.row])
        }
        for (index, names) in unknown.enumerated() where !names.isEmpty { assessments[index].unknownFeatures = names }
        return ScoredGroup(
            model: model, rows: rows, names: model.featureNames, matrix: matrix, assessments: assessments)
    }

    /// No version can answer: the newest manifest's rules do, or the request fails with 503.
    private func fallbackWithoutModel(
        _ entry: ModelEntry, _ rows: [Int], of body: PredictionRequest, scorer: RiskScorer
    ) throws(HTTPResponseError) -> ScoredGroup {
        let reason = RiskAssessment.modelUnavailableReason(model: entry.name)
        let unavailable = HTTPResponseError(.serviceUnavailable, "model_unavailable", reason + " and no fallback rules")
        guard let manifest = entry.lastKnownManifest, !manifest.features.isEmpty else { throw unavailable }
        let names = manifest.features.map(\.name)
        let position = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let (matrix, unknown) = body.matrix(rows: rows, names: names, featureIndex: position)
        var assessments: [RiskAssessment] = []
        for index in rows.indices {
            let values = Array(matrix.row(index))
            guard var answer = scorer.fallback(manifest, names: names, values: values, reason: reason) else {
                throw unavailable
            }
            if !unknown.isEmpty { answer.unknownFeatures = unknown[index] }
            assessments.append(answer)
        }
        return ScoredGroup(model: nil, rows: rows, names: names, matrix: matrix, assessments: assessments)
    }

    /// `{"model": …, "version": …, "predictions": […]}` in instance order. The top-level version is the
    /// production version that answered; with a canary split each prediction names its own.
    private func encode(_ groups: [ScoredGroup], of body: PredictionRequest, model name: String, ids: [String])
        -> [UInt8]
    {
        // Where each instance's answer is; with one group (no canary split) instance i is its answer i.
        var placement: [(group: Int, index: Int)] = []
        if groups.count > 1 {
            placement = Array(repeating: (0, 0), count: body.count)
            for (group, scored) in groups.enumerated() {
                for (index, row) in scored.rows.enumerated() { placement[row] = (group, index) }
            }
        }
        var writer = JSONWriter(reservingCapacity: 128 + body.count * 384)
        writer.writeRaw("{\"model\":")
        writer.writeString(name)
        writer.writeRaw(",\"version\":")
        RiskAssessment.writeVersion(groups.first?.model?.version, to: &writer)
        writer.writeRaw(",\"predictions\":[")
        // Answers are read in place through buffer pointers: subscripting the nested arrays would copy
        // each group and each assessment (a dozen retains and releases per row).
        groups.withUnsafeBufferPointer { groups in
            for row in 0..<body.count {
                if row > 0 { writer.writeRaw(",") }
                let (group, index) = placement.isEmpty ? (0, row) : placement[row]
                groups[group].assessments.withUnsafeBufferPointer { answers in
                    answers[index].write(
                        to: &writer, id: ids[row], entity: body.entities[row], version: groups[group].model?.version)
                }
            }
        }
        writer.writeRaw("]}")
        return writer.bytes
    }

    /// A prediction as a JSON tree (telemetry answers): id, entity, then the assessment's fields.
    func predictionJSON(_ assessment: RiskAssessment, id: String, entity: String?) -> JSONValue {
        guard case .object(let object) = assessment.json else { return assessment.json }
        var result: JSONObject = ["prediction_id": .string(id)]
        if let entity { result.append("entity", .string(entity)) }
        for (key, value) in object { result.append(key, value) }
        return .object(result)
    }

    /// The operator's tier thresholds for a model, if the policy file sets any.
    func tierPolicy(for model: String) -> TierPolicy? {
        policy.modelTiers[model] ?? policy.tiers
    }

    private func pinnedVersion(_ entry: ModelEntry, _ text: String) throws(HTTPResponseError) -> ServableModel {
        guard let number = ModelVersion.parse(text) else {
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
}

extension HTTPResponseError {
    /// A row that cannot be scored is the client's problem (422), named by its instance index.
    init(_ error: ScoringError, instance: Int) {
        self.init(.unprocessableContent, error.kind.rawValue, "instances[\(instance)]: \(error.message)")
    }
}
