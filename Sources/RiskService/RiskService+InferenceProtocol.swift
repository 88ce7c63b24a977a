import HTTPCore
import HTTPRouting
import HTTPServer
import JSON
import Registry
import RiskCore

/// Open Inference Protocol v2 (KServe "Predict Protocol v2", Triton's HTTP API), so existing clients
/// call riskd unchanged. Unlike riskd's own routes, errors here use OIP's `{"error": "<message>"}` shape
/// and health answers 200 (true) or 400 (false), because that is what those clients parse.
extension RiskService {
    func addInferenceProtocolRoutes(to router: inout ServiceRoutes) {
        add(&router, .GET, "/v2", role: .read) { _, _, _ in
            .json(.ok, ["name": "riskd", "version": .string(riskdVersion), "extensions": []])
        }
        add(&router, .GET, "/v2/health/live", role: nil) { _, _, _ in .json(.ok, ["live": true]) }
        add(&router, .GET, "/v2/health/ready", role: nil) { [self] _, _, _ in
            let ready = notReadyReason() == nil
            return .json(ready ? .ok : .badRequest, ["ready": .bool(ready)])
        }
        for suffix in ["", "/versions/{version}"] {
            add(&router, .GET, "/v2/models/{name}" + suffix, role: .read) { [self] _, context, _ in
                oip { () throws(InferenceProtocolRequest.Invalid) in try metadata(try servable(context)).serialized() }
            }
            add(&router, .GET, "/v2/models/{name}" + suffix + "/ready", role: .read) { [self] _, context, _ in
                let ready = (try? servable(context)) != nil
                return .json(
                    ready ? .ok : .badRequest,
                    ["name": .string(context.parameters["name"] ?? ""), "ready": .bool(ready)])
            }
            add(&router, .POST, "/v2/models/{name}" + suffix + "/infer", role: .read) { [self] request, context, _ in
                oip { () throws(InferenceProtocolRequest.Invalid) in try infer(request, try servable(context)) }
            }
        }
    }

    private func oip(_ body: () throws(InferenceProtocolRequest.Invalid) -> [UInt8]) -> HTTPResponse {
        do throws(InferenceProtocolRequest.Invalid) {
            return .json(.ok, try body())
        } catch {
            let status: HTTPStatus = error.status ?? (error.message.hasPrefix("model ") ? .notFound : .badRequest)
            return .json(status, ["error": .string(error.message)])
        }
    }

    private func servable(_ context: RouteContext) throws(InferenceProtocolRequest.Invalid) -> ServableModel {
        let name = context.parameters["name"] ?? ""
        guard let entry = registry.snapshot.models[name] else {
            throw .init(message: "model \"\(name)\" not found")
        }
        if let text = context.parameters["version"] {
            guard let version = ModelVersion.parse(text) else {
                throw .init(message: "version must be a positive integer, got \"\(text)\"")
            }
            guard let model = entry.available[version] else {
                throw .init(message: "model \"\(name)\" version \"\(text)\" is not available")
            }
            return model
        }
        guard let model = entry.serving else { throw .init(message: "model \"\(name)\" has no loaded version") }
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
    /// shape differs, and `score` is null where the manifest's fallback rules answered. Other models
    /// return the engine's raw outputs (`output`), which have no notion of risk or fallback.
    private func infer(_ request: HTTPRequest, _ model: ServableModel) throws(InferenceProtocolRequest.Invalid)
        -> [UInt8]
    {
        do {
            try requireJSONContentType(request)
        } catch {
            throw .init(message: error.message, status: error.status)
        }
        let parsed = try InferenceProtocolRequest(request.body, featureNames: model.featureNames)
        let wanted = Set(parsed.requestedOutputs ?? outputNames(model))
        let count = parsed.rows.rowCount
        var columns: [String: [Double]] = [:]
        if model.model.task != .binaryClassification {
            var output = [Double](repeating: 0, count: count * model.model.outputCount)
            parsed.rows.values.withUnsafeBufferPointer { rows in
                output.withUnsafeMutableBufferPointer { model.model.predict(rows: rows, rowCount: count, into: $0) }
            }
            columns["output"] = output
        } else {
            let assessments: [RiskAssessment]
            do throws(ScoringError) {
                assessments = try RiskScorer(policy: tierPolicy(for: model.name)).assess(
                    batch: parsed.rows, with: model)
            } catch {
                throw .init(message: "inputs row \(error.row): \(error.message)", status: .unprocessableContent)
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
        // Written straight into bytes: {"model_name", "model_version", "id", "outputs": [{"name",
        // "datatype", "shape", "data"}]}, NaN (no interval, fallback score) as null.
        let width = model.model.task == .binaryClassification ? 1 : model.model.outputCount
        var writer = JSONWriter(reservingCapacity: 256 + columns.count * count * 20)
        writer.writeRaw("{\"model_name\":")
        writer.writeString(model.name)
        writer.writeRaw(",\"model_version\":")
        writer.writeString(String(model.version))
        writer.writeRaw(",\"id\":")
        writer.writeString(parsed.id ?? predictionIDs.next())
        writer.writeRaw(",\"outputs\":[")
        for (index, name) in outputNames(model).filter(wanted.contains).enumerated() {
            let data = columns[name] ?? []
            writer.writeRaw(index == 0 ? "{\"name\":" : ",{\"name\":")
            writer.writeString(name)
            writer.writeRaw(",\"datatype\":\"FP64\",\"shape\":[")
            if width == 1 {
                writer.writeNumber(Double(data.count))
            } else {
                writer.writeNumber(Double(count))
                writer.writeRaw(",")
                writer.writeNumber(Double(width))
            }
            writer.writeRaw("],\"data\":[")
            for (position, value) in data.enumerated() {
                if position > 0 { writer.writeRaw(",") }
                writer.writeNumber(value)
            }
            writer.writeRaw("]}")
        }
        writer.writeRaw("]}")
        return writer.bytes
    }
}
