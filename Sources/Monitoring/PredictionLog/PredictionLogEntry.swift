import JSON

/// One prediction as written to the prediction log: enough to audit a decision later and to join it
/// with outcomes for retraining. Free-text fields (entity, reason) are PII-scrubbed when encoded.
public struct PredictionLogEntry: Sendable, Equatable {
    public let id: String
    /// Unix seconds.
    public let time: Double
    public let model: String
    public let version: String
    public let entity: String
    /// Feature values in model order (NaN = missing, written as null).
    public let features: [(name: String, value: Double)]
    public let risk: Double
    public let lower: Double?
    public let upper: Double?
    public let tier: String
    /// Optional free-text explanation (e.g. the fallback rule that fired).
    public let reason: String?

    public init(
        id: String, time: Double, model: String, version: String, entity: String,
        features: [(name: String, value: Double)], risk: Double, lower: Double? = nil, upper: Double? = nil,
        tier: String, reason: String? = nil
    ) {
        self.id = id
        self.time = time
        self.model = model
        self.version = version
        self.entity = entity
        self.features = features
        self.risk = risk
        self.lower = lower
        self.upper = upper
        self.tier = tier
        self.reason = reason
    }

    public static func == (lhs: PredictionLogEntry, rhs: PredictionLogEntry) -> Bool {
        lhs.json() == rhs.json()
    }

    /// The JSON object of one log line.
    public func json() -> JSONValue {
        var object: JSONObject = [
            "id": .string(id), "time": .finite(time), "model": .string(model), "version": .string(version),
            "entity": .string(PIIRedactor.scrub(entity)),
            "features": .object(JSONObject(features.map { (key: $0.name, value: .finite($0.value)) })),
            "risk": .finite(risk), "interval": [.optional(lower), .optional(upper)], "tier": .string(tier),
        ]
        if let reason { object.append("reason", .string(PIIRedactor.scrub(reason))) }
        return .object(object)
    }

    /// `json()` serialized with a trailing newline.
    public func line() -> [UInt8] {
        var bytes = json().serialized()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
