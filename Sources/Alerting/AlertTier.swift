/// How urgent a risk is: `none` pages nobody, L1 is a low-urgency page, L3 wakes someone up.
///
/// Tiers are ordered so "the tier rose" is a plain comparison.
public enum AlertTier: Int, Sendable, Comparable, CaseIterable {
    case none = 0
    case l1 = 1
    case l2 = 2
    case l3 = 3

    public static func < (lhs: AlertTier, rhs: AlertTier) -> Bool { lhs.rawValue < rhs.rawValue }

    /// "none", "L1", "L2", "L3".
    public var name: String { self == .none ? "none" : "L\(rawValue)" }

    /// Parses `name` (case-insensitive).
    public init?(name: String) {
        guard let tier = AlertTier.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = tier
    }
}
