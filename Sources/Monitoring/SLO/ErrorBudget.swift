import JSON

/// How much of an SLO's error budget a period has used, in requests and as fractions, so operators see
/// "how much can still fail" rather than a bare availability number.
///
/// budget requests = (1 − target) × total; spent = total − good; remaining = budget − spent (negative once
/// the budget is blown); burn rate = observed error ratio / (1 − target), where 1 means the budget lasts
/// exactly the SLO period (SRE Workbook ch. 5).
public struct ErrorBudget: Sendable, Equatable {
    public let target: Double
    public let good: Int
    public let total: Int

    public init(target: Double, good: Int, total: Int) {
        self.target = target
        self.good = good
        self.total = total
    }

    /// good / total, or nil when there is no traffic.
    public var availability: Double? { total > 0 ? Double(good) / Double(total) : nil }
    /// Failed requests.
    public var spentRequests: Int { total - good }
    /// Failures the SLO allows over `total` requests.
    public var budgetRequests: Double { (1 - target) * Double(total) }
    /// Failures still allowed; negative when the budget is exhausted.
    public var remainingRequests: Double { budgetRequests - Double(spentRequests) }
    /// Spent / budget (1 = budget used up); nil without traffic.
    public var spentFraction: Double? { total > 0 ? Double(spentRequests) / budgetRequests : nil }
    /// 1 − spent fraction; negative when overspent.
    public var remainingFraction: Double? { spentFraction.map { 1 - $0 } }
    /// Observed error ratio / allowed error ratio; nil without traffic.
    public var burnRate: Double? { BurnRate.of(good: good, total: total, target: target) }

    /// All of the above as one JSON object (absent values are `null`).
    public func json() -> JSONValue {
        [
            "availability": .optional(availability), "budget_requests": .finite(budgetRequests),
            "spent_requests": .number(Double(spentRequests)), "remaining_requests": .finite(remainingRequests),
            "spent_fraction": .optional(spentFraction), "remaining_fraction": .optional(remainingFraction),
            "burn_rate": .optional(burnRate),
        ]
    }
}
