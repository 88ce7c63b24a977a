import JSON

/// Multiwindow, multi-burn-rate alerting from the SRE Workbook ("Alerting on SLOs", table 5-8), so riskd
/// can say whether an SLO should page, open a ticket, or stay quiet given good/total counts per window.
///
/// A rule fires when the burn rate over BOTH its long and its short window exceeds its threshold (the
/// short window makes the alert reset quickly once the problem stops). Rules are OR'd; the state is the
/// most severe firing rule. A rule whose windows are missing or have no traffic does not fire and is
/// reported as `"insufficient_data"`.
public enum BurnRate {
    /// Observed error ratio / (1 − target); nil without traffic.
    public static func of(good: Int, total: Int, target: Double) -> Double? {
        guard total > 0, target < 1 else { return nil }
        return (Double(total - good) / Double(total)) / (1 - target)
    }

    /// Alert severity, ordered from quiet to loud.
    public enum Severity: String, Sendable, Comparable {
        case none, ticket, page

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
        private var rank: Int {
            switch self {
            case .none: 0
            case .ticket: 1
            case .page: 2
            }
        }
    }

    /// One row of the table: the windows (by name, e.g. "1h") and the burn-rate threshold.
    public struct Rule: Sendable, Equatable {
        public let severity: Severity
        public let longWindow: String
        public let shortWindow: String
        public let threshold: Double

        public init(severity: Severity, longWindow: String, shortWindow: String, threshold: Double) {
            self.severity = severity
            self.longWindow = longWindow
            self.shortWindow = shortWindow
            self.threshold = threshold
        }

        /// Table 5-8 for a 30-day SLO: page 14.4× (1h & 5m), page 6× (6h & 30m), ticket 1× (3d & 6h).
        public static let workbookDefaults: [Rule] = [
            Rule(severity: .page, longWindow: "1h", shortWindow: "5m", threshold: 14.4),
            Rule(severity: .page, longWindow: "6h", shortWindow: "30m", threshold: 6),
            Rule(severity: .ticket, longWindow: "3d", shortWindow: "6h", threshold: 1),
        ]
    }

    /// Good and total requests observed over one window.
    public struct WindowCounts: Sendable, Equatable {
        public let good: Int
        public let total: Int

        public init(good: Int, total: Int) {
            self.good = good
            self.total = total
        }
    }

    /// The evaluation of one rule.
    public struct RuleResult: Sendable, Equatable {
        public let rule: Rule
        public let longBurnRate: Double?
        public let shortBurnRate: Double?
        /// True when both burn rates exceed the threshold.
        public var firing: Bool {
            guard let long = longBurnRate, let short = shortBurnRate else { return false }
            return long > rule.threshold && short > rule.threshold
        }
        /// "firing", "ok" or "insufficient_data".
        public var status: String {
            if longBurnRate == nil || shortBurnRate == nil { return "insufficient_data" }
            return firing ? "firing" : "ok"
        }

        public func json() -> JSONValue {
            [
                "severity": .string(rule.severity.rawValue), "long_window": .string(rule.longWindow),
                "short_window": .string(rule.shortWindow), "threshold": .finite(rule.threshold),
                "long_burn_rate": .optional(longBurnRate), "short_burn_rate": .optional(shortBurnRate),
                "status": .string(status),
            ]
        }
    }

    /// The alert state over all rules.
    public struct AlertState: Sendable, Equatable {
        public let severity: Severity
        public let rules: [RuleResult]

        /// `{"state": "page"|"ticket"|"none", "rules": [...]}`.
        public func json() -> JSONValue {
            ["state": .string(severity.rawValue), "rules": .array(rules.map { $0.json() })]
        }
    }

    /// Evaluates `rules` against per-window counts keyed by window name.
    public static func alertState(
        windows: [String: WindowCounts], target: Double, rules: [Rule] = Rule.workbookDefaults
    ) -> AlertState {
        let results = rules.map { rule in
            RuleResult(
                rule: rule,
                longBurnRate: windows[rule.longWindow].flatMap { of(good: $0.good, total: $0.total, target: target) },
                shortBurnRate: windows[rule.shortWindow].flatMap { of(good: $0.good, total: $0.total, target: target) })
        }
        let severity = results.filter(\.firing).map(\.rule.severity).max() ?? .none
        return AlertState(severity: severity, rules: results)
    }
}
