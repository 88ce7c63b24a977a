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

    /// The fallback reason when no version of `model` is loaded (the prefix `fallbackCause` recognises).
    public static func modelUnavailableReason(model: String) -> String {
        "no loaded version of \(model)"
    }

    /// Why a fallback answered, as a bounded label for `riskd_fallback_predictions_total{reason}`:
    /// `model_unavailable` (no loaded version) or `missing_features` (too few features present).
    public var fallbackCause: String? {
        guard source == .fallback else { return nil }
        return fallbackReason?.hasPrefix("no loaded version of ") == true ? "model_unavailable" : "missing_features"
    }
}
