import Features
import Inference
import JSON

/// The metadata that travels with a model version (`manifest.json`): how to compute its features from
/// raw telemetry, how to calibrate and bound its output, what its training data looked like, and which
/// digest its artifact must have.
///
/// Every key is optional so a bare artifact still serves; what is absent is reported as absent
/// (no calibration → no interval), never invented. Unknown keys are ignored so newer training pipelines
/// can add metadata without breaking older servers.
public struct ModelManifest: Sendable {
    public var description: String?
    public var task: ModelTask?
    public var horizonSeconds: Double?
    public var artifact: ArtifactReference?
    public var features: [FeatureSpec]
    /// Below this fraction of present features the model is not trusted and the fallback answers.
    public var minFeatureFraction: Double
    public var calibration: CalibrationData?
    public var trainingRange: [String: ClosedRange<Double>]
    public var reference: ReferenceDistributions?
    public var tiers: TierThresholds?
    public var fallback: FallbackPolicy?
    /// Free-form provenance (data hash, code version, metrics), served as-is.
    public var lineage: JSONObject?
    /// Retraining-trigger limits the pipeline calibrated on in-distribution samples (`drift`).
    public var drift: DriftThresholds?
    /// File name of the version's model card (markdown, next to the manifest), served at
    /// `GET /v1/models/{name}/versions/{version}/card`.
    public var modelCard: String?

    public init(
        features: [FeatureSpec] = [], minFeatureFraction: Double = 0.5, calibration: CalibrationData? = nil,
        trainingRange: [String: ClosedRange<Double>] = [:], fallback: FallbackPolicy? = nil
    ) {
        self.features = features
        self.minFeatureFraction = minFeatureFraction
        self.calibration = calibration
        self.trainingRange = trainingRange
        self.fallback = fallback
    }

    /// The artifact a manifest pins: file name, format and expected SHA-256.
    public struct ArtifactReference: Sendable, Equatable {
        public var file: String?
        public var format: ModelFormat?
        public var sha256: String?
    }

    /// Calibration scores (raw model probabilities on a held-out slice) and their 0/1 outcomes, plus the
    /// prior correction, tie rule and interval the pipeline used (`negative_weight`, `score_grid`,
    /// `interval`); absent keys mean plain Venn-Abers.
    public struct CalibrationData: Sendable {
        public var method: String
        public var scores: [Double]
        public var labels: [Int]
        public var options = CalibrationIntervalOptions()
    }

    /// Reference distributions for drift detection, per feature and for the model's score.
    public struct ReferenceDistributions: Sendable, Equatable {
        public var features: [String: ReferenceDistribution]
        public var score: ReferenceDistribution?
    }

    /// Per-feature PSI and |mean shift %| limits and the sample size they were calibrated at.
    public struct DriftThresholds: Sendable, Equatable {
        public var minSamples: Int?
        public var features: [String: FeatureLimits]
    }

    /// One feature's drift limits; nil keeps the service's global threshold.
    public struct FeatureLimits: Sendable, Equatable {
        public var psi: Double?
        public var meanShiftPercent: Double?

        public init(psi: Double?, meanShiftPercent: Double?) {
            self.psi = psi
            self.meanShiftPercent = meanShiftPercent
        }
    }

    /// Risk thresholds for escalation tiers suggested by the training pipeline (the service's policy
    /// file can override them).
    public struct TierThresholds: Sendable, Equatable {
        /// L1 when the calibrated risk reaches this.
        public var l1Risk: Double?
        /// L3 when even the lower end of the interval reaches this.
        public var l3Lower: Double?

        public init(l1Risk: Double?, l3Lower: Double?) {
            self.l1Risk = l1Risk
            self.l3Lower = l3Lower
        }
    }

    /// Rule-based answers for when the model cannot answer.
    public struct FallbackPolicy: Sendable, Equatable {
        public var rules: [FallbackRule]
        public var defaultRisk: Double?
    }

    /// `feature op value` → `risk`, e.g. pending sectors > 0 → 0.5.
    public struct FallbackRule: Sendable, Equatable {
        public enum Comparison: String, Sendable {
            case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<=", equal = "=="
        }
        public var feature: String
        public var comparison: Comparison
        public var value: Double
        public var risk: Double
        public var reason: String?

        public func matches(_ observed: Double) -> Bool {
            switch comparison {
            case .greater: observed > value
            case .greaterOrEqual: observed >= value
            case .less: observed < value
            case .lessOrEqual: observed <= value
            case .equal: observed == value
            }
        }
    }
}
