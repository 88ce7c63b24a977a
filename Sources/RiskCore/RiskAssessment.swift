import JSON

/// One answer to "how likely is this to fail soon, and how sure are we": the calibrated risk, its
/// interval, the tier it maps to, and every reason to treat it with care.
public struct RiskAssessment: Sendable {
    public enum Source: String, Sendable {
        /// The model answered.
        case model
        /// The model could not answer; the manifest's rules did.
        case fallback
    }

    public var risk: Double
    /// The model's raw output before calibration; nil for fallback answers.
    public var score: Double?
    /// Venn-Abers interval [p0, p1]; nil when the model has no calibration data.
    public var lower: Double?
    public var upper: Double?
    public var tier: EscalationTier
    public var source: Source
    public var fallbackReason: String?
    public var missingFeatures: [String]
    public var outOfRangeFeatures: [String]
    public var unknownFeatures: [String] = []

    public var isCalibrated: Bool { lower != nil }

    public var json: JSONValue {
        var object = JSONObject()
        object.append("risk", .number(risk))
        object.append(
            "interval", lower.map { ["lower": .number($0), "upper": .number(upper ?? $0)] } ?? .null)
        object.append("calibrated", .bool(isCalibrated))
        object.append("tier", .string(tier.rawValue))
        object.append("score", .optional(score))
        object.append("source", .string(source.rawValue))
        if let fallbackReason { object.append("fallback_reason", .string(fallbackReason)) }
        var flags = JSONObject()
        flags.append("out_of_distribution", .bool(!outOfRangeFeatures.isEmpty))
        flags.append("out_of_range_features", .array(outOfRangeFeatures.map(JSONValue.string)))
        flags.append("missing_features", .array(missingFeatures.map(JSONValue.string)))
        flags.append("unknown_features", .array(unknownFeatures.map(JSONValue.string)))
        object.append("flags", .object(flags))
        return .object(object)
    }
}
