import JSON
import ModelSpec

/// Where a risk goes: nobody, the first-line on-call (L1), or straight to the experts (L3).
public enum EscalationTier: String, Sendable, Comparable, CaseIterable {
    case none
    case l1 = "L1"
    case l3 = "L3"

    private var rank: Int {
        switch self {
        case .none: 0
        case .l1: 1
        case .l3: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// Maps a calibrated risk and its interval to a tier.
///
/// L1 when the point estimate reaches `l1Risk`: worth a look, a false alarm costs little. L3 only when
/// even the *lower* end of the Venn-Abers interval reaches `l3Lower`: waking a senior engineer needs the
/// model to be confident, not merely alarmed, so a wide interval (little calibration evidence near this
/// score) stays at L1. An uncalibrated model has no interval and therefore never reaches L3; a fallback
/// answer (rules, not the model) never does either.
public struct TierPolicy: Sendable, Equatable {
    public var l1Risk: Double
    public var l3Lower: Double

    public init(l1Risk: Double = 0.3, l3Lower: Double = 0.6) {
        self.l1Risk = l1Risk
        self.l3Lower = l3Lower
    }

    /// The manifest's thresholds where present, else this policy's.
    public func overridden(by thresholds: ModelManifest.TierThresholds?) -> TierPolicy {
        TierPolicy(l1Risk: thresholds?.l1Risk ?? l1Risk, l3Lower: thresholds?.l3Lower ?? l3Lower)
    }

    public func tier(risk: Double, lower: Double?, canEscalateToL3: Bool) -> EscalationTier {
        if canEscalateToL3, let lower, lower >= l3Lower, risk >= l1Risk { return .l3 }
        return risk >= l1Risk ? .l1 : .none
    }

    /// The policy file's `tiers` (same shape as the manifest's, read by the manifest's parser) over `defaults`.
    public init(parsing object: JSONObject, at path: String, defaults: TierPolicy) throws(JSONDecodingError) {
        self = defaults.overridden(by: try ModelManifest.TierThresholds(parsing: object, at: path))
    }

    public var json: JSONValue {
        ["l1": ["risk": .number(l1Risk)], "l3": ["lower": .number(l3Lower)]]
    }
}
