import HTTPCore
import HTTPRouting
import HTTPServer
import JSON
import Registry
import RiskCore

/// Open Inference Protocol v2 (KServe "Predict Protocol v2", Triton's HTTP API), so existing clients
/// call riskd unchanged: JSON or Triton's binary tensor data extension both ways. Health answers 200
/// (true) or 400 (false), and every error on a `/v2` path, whoever raises it (access control, routing,
/// body limits, these handlers), is rendered as OIP's `{"error": "<message>"}` by `renderError`, because
/// that is what those clients parse.
extension RiskService {
    func addInferenceProtocolRoutes(to router: inout ServiceRoutes) {
        add(&router, .GET, "/v2", role: .read) { _, _, _ in
            .json(.ok, ["name": "riskd", "version": .string(riskdVersion), "extensions": ["binary_tensor_data"]])
        }
        add(&router, .GET, "/v2/health/live", role: nil) { _, _, _ in .json(.ok, ["live": true]) }
        add(&router, .GET, "/v2/health/ready", role: nil) { [self] _, _, _ in
            let ready = notReadyReason() == nil
            return .json(ready ? .ok : .badRequest, ["ready": .bool(ready)])
        }
        // Binary bodies pack ~8 times the values of JSON ones per byte, so they leave the loop sooner.
        let large: @Sendable (HTTPRequest) -> Bool = { request in
            let binary = request.headers.contains(InferenceProtocolRequest.headerLengthField)
            return request.body.count > (binary ? Self.largeBodyBytes / 8 : Self.largeBodyBytes)
        }
        for suffix in ["", "/versions/{version}"] {
            add(&router, .GET, "/v2/models/{name}" + suffix, role: .read) { [self] _, context, _ in
                .json(.ok, metadata(try servable(context)))
            }
            add(&router, .GET, "/v2/models/{name}" + suffix + "/ready", role: .read) { [self] _, context, _ in
                let ready = (try? servable(context)) != nil
                return .json(
                    ready ? .ok : .badRequest,
                    ["name": .string(context.parameters["name"] ?? ""), "ready": .bool(ready)])
            }
            add(&router, .POST, "/v2/models/{name}" + suffix + "/infer", role: .read, blocking: large) {
                [self] request, context, _ in
                try infer(request, try servable(context))
            }
        }
    }

    /// The error body for `path`: OIP's `{"error": "<message>"}` on `/v2` and below, riskd's envelope
    /// (nil: the default) everywhere else. Injected into the HTTP server, so it applies to every error.
    static func renderError(_ problem: HTTPProblem, path: Substring?) -> [UInt8]? {
        guard let path, path == "/v2" || path.hasPrefix("/v2/") else { return nil }
        let body: JSONValue = ["error": .string(problem.message)]
        return body.serialized()
    }

    private func servable(_ context: RouteContext) throws(HTTPResponseError) -> ServableModel {
        let name = context.parameters["name"] ?? ""
        guard let entry = registry.snapshot.models[name] else {
            throw .notFound("model_not_found", "model \"\(name)\" not found")
        }
        if let text = context.parameters["version"] {
            guard let version = ModelVersion.parse(text) else {
                throw .badRequest("version must be a positive integer, got \"\(text)\"")
            }
            guard let model = entry.available[version] else {
                throw .notFound("version_not_found", "model \"\(name)\" version \"\(text)\" is not available")
            }
            return model
        }
        guard let model = entry.serving else {
            throw .notFound("model_unavailable", "model \"\(name)\" has no loaded version")
        }
        return model
    }

    private func metadata(_ model: ServableModel) -> JSONValue {
        let versions = registry.snapshot.models[model.name]?.available.keys.sorted().map {
            JSONValue.string(String($0))
        }
        return [
            "name": .string(model.name),
            "versions": .array(versions ?? []),
            "platform": .string("riskd-" + model.model.format.rawValue),
            "inputs": [
                ["name": "input", "datatype": "FP64", "shape": [-1, .number(Double(model.featureNames.count))]]
            ],
            "outputs": .array(outputNames(model).map { ["name": .string($0), "datatype": "FP64", "shape": [-1]] }),
            "parameters": ["feature_names": .array(model.featureNames.map(JSONValue.string))],
        ]
    }

    private func outputNames(_ model: ServableModel) -> [String] {
        model.model.task == .binaryClassification ? ["risk", "lower", "upper", "score"] : ["output"]
    }

    /// Binary models score through the same `RiskScorer` path as `/v1/.../predict` (fallback rules,
    /// calibration, observation), so both routes give the same risk for the same row; only the wire
    /// shape differs, and `score` is NaN (null in JSON) where the manifest's fallback rules answered.
    /// Other models return the engine's raw outputs (`output`), which have no notion of risk or fallback.
    private func infer(_ request: HTTPRequest, _ model: ServableModel) throws(HTTPResponseError) -> HTTPResponse {
        let lengths = request.headers.values(InferenceProtocolRequest.headerLengthField)
        guard lengths.count <= 1 else {
            throw .badRequest("\(InferenceProtocolRequest.headerLengthField) must be sent once")
        }
        if let coding = request.headers["Content-Encoding"], coding.lowercased() != "identity" {
            throw HTTPResponseError(
                .unsupportedMediaType, "unsupported_content_encoding",
                "Content-Encoding \(coding) is not supported; send the body uncompressed")
        }
        if request.mediaType == "application/octet-stream" {
            guard !lengths.isEmpty else {
                throw HTTPResponseError(
                    .unsupportedMediaType, "unsupported_media_type",
                    "an application/octet-stream body needs the \(InferenceProtocolRequest.headerLengthField) "
                        + "header (binary tensor data extension)")
            }
        } else {
            try requireJSONContentType(request)
        }
        let parsed = try InferenceProtocolRequest(
            request.body, headerLength: lengths.first, featureNames: model.featureNames)
        let names = outputNames(model)
        for output in parsed.outputs ?? [] where !names.contains(output.name) {
            throw .badRequest(
                "outputs: unknown output \"\(output.name)\"; the model has \(names.joined(separator: ", "))")
        }
        let count = parsed.rows.rowCount
        var columns: [String: [Double]] = [:]
        var shape = [count]
        if model.model.task != .binaryClassification {
            var output = [Double](repeating: 0, count: count * model.model.outputCount)
            parsed.rows.values.withUnsafeBufferPointer { rows in
                output.withUnsafeMutableBufferPointer { model.model.predict(rows: rows, rowCount: count, into: $0) }
            }
            columns["output"] = output
            if model.model.outputCount != 1 { shape.append(model.model.outputCount) }
        } else {
            let assessments: [RiskAssessment]
            do throws(ScoringError) {
                assessments = try RiskScorer(policy: tierPolicy(for: model.name)).assess(
                    batch: parsed.rows, with: model)
            } catch {
                throw HTTPResponseError(
                    .unprocessableContent, error.kind.rawValue, "inputs row \(error.row): \(error.message)")
            }
            let ids = predictionIDs.next(count: count)
            let group = ScoredGroup(
                model: model, rows: Array(0..<count), names: model.featureNames, matrix: parsed.rows,
                assessments: assessments)
            observe(group, modelName: model.name, ids: ids, entities: [String?](repeating: nil, count: count))
            columns["risk"] = assessments.map(\.risk)
            columns["lower"] = assessments.map { $0.lower ?? .nan }
            columns["upper"] = assessments.map { $0.upper ?? .nan }
            columns["score"] = assessments.map { $0.score ?? .nan }
        }
        let requested = parsed.outputs ?? names.map { InferenceProtocolRequest.Output(name: $0, binary: nil) }
        return InferenceProtocolResponse(
            modelName: model.name, modelVersion: String(model.version), id: parsed.id ?? predictionIDs.next(),
            outputs: requested.map {
                .init(
                    name: $0.name, shape: shape, values: columns[$0.name] ?? [],
                    binary: $0.binary ?? parsed.binaryOutputs)
            }
        ).response
    }
}
