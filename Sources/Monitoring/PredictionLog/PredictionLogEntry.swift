import JSON

/// One prediction as written to the prediction log: enough to audit a decision later and to join it
/// with outcomes for retraining. Free-text fields (entity, reason) are PII-scrubbed when encoded.
///
/// Lines are compact: feature values are an array in the order of `feature_names`, which a schema line
/// (`{"schema": {...}}`) states once per file for each model version, instead of on every line.
public struct PredictionLogEntry: Sendable, Equatable {
    public let id: String
    /// Unix seconds.
    public let time: Double
    public let model: String
    public let version: String
    public let entity: String
    /// Feature names in model order, shared by every entry of a batch (no copy).
    public let featureNames: [String]
    /// Values aligned with `featureNames` (NaN = missing, written as null).
    public let values: [Double]
    public let risk: Double
    public let lower: Double?
    public let upper: Double?
    public let tier: String
    /// Optional free-text explanation (e.g. the fallback rule that fired).
    public let reason: String?

    public init(
        id: String, time: Double, model: String, version: String, entity: String, featureNames: [String],
        values: [Double], risk: Double, lower: Double? = nil, upper: Double? = nil, tier: String,
        reason: String? = nil
    ) {
        self.id = id
        self.time = time
        self.model = model
        self.version = version
        self.entity = entity
        self.featureNames = featureNames
        self.values = values
        self.risk = risk
        self.lower = lower
        self.upper = upper
        self.tier = tier
        self.reason = reason
    }

    public static func == (lhs: PredictionLogEntry, rhs: PredictionLogEntry) -> Bool {
        lhs.line() == rhs.line() && lhs.featureNames == rhs.featureNames
    }

    /// Identifies the schema line this entry's `features` array refers to.
    var schemaKey: String { model + "\u{0}" + version + "\u{0}" + featureNames.joined(separator: "\u{0}") }

    /// `{"schema":{"model":…,"version":…,"feature_names":[…]}}` and a newline.
    func schemaLine() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 64 + featureNames.count * 16)
        writer.writeRaw("{\"schema\":{\"model\":")
        writer.writeString(model)
        writer.writeRaw(",\"version\":")
        writer.writeString(version)
        writer.writeRaw(",\"feature_names\":[")
        for (index, name) in featureNames.enumerated() {
            if index > 0 { writer.writeRaw(",") }
            writer.writeString(name)
        }
        writer.writeRaw("]}}\n")
        return writer.bytes
    }

    /// One log line with a trailing newline, written straight into bytes.
    public func line() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 160 + values.count * 12)
        writer.writeRaw("{\"id\":")
        writer.writeString(id)
        writer.writeRaw(",\"time\":")
        writer.writeNumber(time)
        writer.writeRaw(",\"model\":")
        writer.writeString(model)
        writer.writeRaw(",\"version\":")
        writer.writeString(version)
        writer.writeRaw(",\"entity\":")
        writer.writeString(PIIRedactor.scrub(entity))
        writer.writeRaw(",\"features\":[")
        for (index, value) in values.enumerated() {
            if index > 0 { writer.writeRaw(",") }
            writer.writeNumber(value)
        }
        writer.writeRaw("],\"risk\":")
        writer.writeNumber(risk)
        writer.writeRaw(",\"interval\":[")
        if let lower { writer.writeNumber(lower) } else { writer.writeRaw("null") }
        writer.writeRaw(",")
        if let upper { writer.writeNumber(upper) } else { writer.writeRaw("null") }
        writer.writeRaw("],\"tier\":")
        writer.writeString(tier)
        if let reason {
            writer.writeRaw(",\"reason\":")
            writer.writeString(PIIRedactor.scrub(reason))
        }
        writer.writeRaw("}\n")
        return writer.bytes
    }
}
