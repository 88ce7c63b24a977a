import HTTPCore
import HTTPRouting
import HTTPServer
import JSON
import Registry

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
                oip { () throws(InferenceProtocolRequest.Invalid) in try metadata(try servable(context)) }
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

    private func oip(_ body: () throws(InferenceProtocolRequest.Invalid) -> JSONValue) -> HTTPResponse {
        do throws(InferenceProtocolRequest.Invalid) {
            return .json(.ok, try body())
        } catch {
            let status: HTTPStatus = error.message.hasPrefix("model ") ? .notFound : .badRequest
            return .json(status, ["error": .string(error.message)])
        }
    }

    private func servable(_ context: RouteContext) throws(InferenceProtocolRequest.Invalid) -> ServableModel {
        let name = context.parameters["name"] ?? ""
        guard let entry = registry.snapshot.models[name] else {
            throw .init(message: "model \"\(name)\" not found")
        }
        if let text = context.parameters["version"] {
            guard let version = Int(text), let model = entry.available[version] else {
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

    private func infer(_ request: HTTPRequest, _ model: ServableModel) throws(InferenceProtocolRequest.Invalid)
        -> JSONValue
    {
        let body: JSONObject
        do {
            body = try jsonBody(request)
        } catch {
            throw .init(message: error.message)
        }
        let parsed = try InferenceProtocolRequest(body, featureNames: model.featureNames)
        let wanted = Set(parsed.requestedOutputs ?? outputNames(model))
        var columns: [String: [Double]] = [:]
        if model.model.task == .binaryClassification {
            for row in parsed.rows {
                let score = model.model.predict(row)[0]
                let calibrated = model.calibrator?.calibrate(score)
                columns["score", default: []].append(score)
                columns["risk", default: []].append(calibrated?.probability ?? score)
                columns["lower", default: []].append(calibrated?.lower ?? .nan)
                columns["upper", default: []].append(calibrated?.upper ?? .nan)
            }
        } else {
            for row in parsed.rows { columns["output", default: []].append(contentsOf: model.model.predict(row)) }
        }
        let outputs: [JSONValue] = outputNames(model).filter(wanted.contains).map { name in
            let data = columns[name] ?? []
            let width = model.model.task == .binaryClassification ? 1 : model.model.outputCount
            let shape: JSONValue =
                width == 1
                ? [.number(Double(data.count))] : [.number(Double(parsed.rows.count)), .number(Double(width))]
            return [
                "name": .string(name), "datatype": "FP64", "shape": shape,
                "data": .array(data.map { $0.isNaN ? .null : .number($0) }),
            ]
        }
        var response: JSONObject = ["model_name": .string(model.name), "model_version": .string(String(model.version))]
        response.append("id", .string(parsed.id ?? predictionIDs.next()))
        response.append("outputs", .array(outputs))
        return .object(response)
    }
}
