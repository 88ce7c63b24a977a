import JSON

/// A ground-truth label sent to riskd (feedback API, or translated from a PagerDuty/Alertmanager
/// webhook), decoded with path-aware errors. It names either one prediction or an entity and time range:
///
/// ```json
/// {"prediction_id": "p-123", "label": 1, "source": "api"}
/// {"entity": "disk-42", "from": 1700000000, "to": 1700600000, "label": 1, "source": "pagerduty"}
/// ```
/// `from`/`to` are unix seconds; `source` defaults to `"api"`.
public struct OutcomeReport: Sendable, Equatable {
    /// Which predictions the label applies to.
    public enum Target: Sendable, Equatable {
        case prediction(id: String)
        case entity(name: String, from: Double, to: Double)
    }

    public let target: Target
    public let label: Int
    public let source: OutcomeSource

    public init(target: Target, label: Int, source: OutcomeSource) {
        self.target = target
        self.label = label
        self.source = source
    }

    public init(json: JSONValue, at path: String = "") throws(JSONDecodingError) {
        let object = try json.object(at: path)
        let labelPath = JSONObject.join(path, "label")
        let label = try object.require("label", at: path).int(at: labelPath)
        guard label == 0 || label == 1 else { throw JSONDecodingError(path: labelPath, message: "must be 0 or 1") }
        var source = OutcomeSource.api
        if let value = object.optional("source") {
            let sourcePath = JSONObject.join(path, "source")
            let name = try value.string(at: sourcePath)
            guard let known = OutcomeSource(rawValue: name) else {
                let allowed = OutcomeSource.allCases.map(\.rawValue).joined(separator: ", ")
                throw JSONDecodingError(path: sourcePath, message: "must be one of \(allowed)")
            }
            source = known
        }
        if let id = object.optional("prediction_id") {
            self.init(
                target: .prediction(id: try id.string(at: JSONObject.join(path, "prediction_id"))), label: label,
                source: source)
            return
        }
        guard let entity = object.optional("entity") else {
            throw JSONDecodingError(path: path, message: "needs prediction_id, or entity with from and to")
        }
        let name = try entity.string(at: JSONObject.join(path, "entity"))
        let from = try object.require("from", at: path).double(at: JSONObject.join(path, "from"))
        let to = try object.require("to", at: path).double(at: JSONObject.join(path, "to"))
        guard from.isFinite, to.isFinite, from <= to else {
            throw JSONDecodingError(path: JSONObject.join(path, "to"), message: "must be finite and not before from")
        }
        self.init(target: .entity(name: name, from: from, to: to), label: label, source: source)
    }
}
