import JSON

/// Everything riskd can say about an SLO from counts: availability with Wilson and Clopper–Pearson
/// intervals, the exact test against the target, the error budget, the burn-rate alert state, and
/// optionally a sample size. This is the response of the SLO evaluation route.
public struct SLOEvaluation: Sendable, Equatable {
    public let request: SLOEvaluationRequest
    public let budget: ErrorBudget
    public let wilson: ProportionInterval?
    public let clopperPearson: ProportionInterval?
    public let test: AvailabilityTest?
    public let alert: BurnRate.AlertState
    public let sampleSize: SampleSize?

    /// Evaluates a validated request; the significance level of the test is 1 − confidence.
    public init(_ request: SLOEvaluationRequest) {
        self.request = request
        budget = ErrorBudget(target: request.target, good: request.good, total: request.total)
        wilson = .wilson(successes: request.good, trials: request.total, confidence: request.confidence)
        clopperPearson = .clopperPearson(successes: request.good, trials: request.total, confidence: request.confidence)
        test = AvailabilityTest(good: request.good, total: request.total, target: request.target)
        alert = BurnRate.alertState(windows: request.windows, target: request.target)
        sampleSize = request.compare.flatMap {
            SampleSize(
                availabilityA: $0.availabilityA, availabilityB: $0.availabilityB, alpha: $0.alpha, power: $0.power)
        }
    }

    /// True when the exact one-sided test shows availability above target at level 1 − confidence.
    public var significantlyAboveTarget: Bool {
        test?.isSignificantlyAboveTarget(alpha: 1 - request.confidence) ?? false
    }

    /// The response body.
    public func json() -> JSONValue {
        var object: JSONObject = [
            "target": .finite(request.target), "window_seconds": .finite(request.windowSeconds),
            "good": .number(Double(request.good)), "total": .number(Double(request.total)),
            "error_budget": budget.json(),
            "intervals": [
                "wilson": wilson?.json() ?? .null, "clopper_pearson": clopperPearson?.json() ?? .null,
            ],
            "test": test?.json() ?? .null,
            "significantly_above_target": .bool(significantlyAboveTarget),
            "alert": alert.json(),
        ]
        if let sampleSize { object.append("sample_size", sampleSize.json()) }
        return .object(object)
    }
}
