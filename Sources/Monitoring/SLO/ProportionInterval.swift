import JSON

/// A confidence interval for a success proportion such as availability, so a dashboard can show how much
/// of a measured availability is noise. Wald intervals are deliberately absent: they fail near 0 and 1,
/// which is exactly where availabilities live (Brown, Cai & DasGupta 2001).
public struct ProportionInterval: Sendable, Equatable {
    /// How the interval was computed.
    public enum Method: String, Sendable {
        case wilson
        case clopperPearson = "clopper_pearson"
    }

    public let method: Method
    public let confidence: Double
    public let lower: Double
    public let upper: Double

    /// Wilson score interval for `successes` out of `trials` at two-sided `confidence` (e.g. 0.95).
    /// Returns nil when `trials` is 0 or the arguments are out of range.
    public static func wilson(successes: Int, trials: Int, confidence: Double) -> ProportionInterval? {
        guard validArguments(successes: successes, trials: trials, confidence: confidence) else { return nil }
        let n = Double(trials)
        let proportion = Double(successes) / n
        let z = NormalDistribution.quantile(1 - (1 - confidence) / 2)
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (proportion + z2 / (2 * n)) / denominator
        let halfWidth = z * (proportion * (1 - proportion) / n + z2 / (4 * n * n)).squareRoot() / denominator
        return ProportionInterval(
            method: .wilson, confidence: confidence,
            lower: max(0, centre - halfWidth), upper: min(1, centre + halfWidth))
    }

    /// Clopper–Pearson exact interval: lower = Beta⁻¹(α/2; x, n−x+1) (0 when x = 0), upper =
    /// Beta⁻¹(1−α/2; x+1, n−x) (1 when x = n). Conservative: coverage is at least `confidence`.
    public static func clopperPearson(successes: Int, trials: Int, confidence: Double) -> ProportionInterval? {
        guard validArguments(successes: successes, trials: trials, confidence: confidence) else { return nil }
        let alpha = 1 - confidence
        let x = Double(successes)
        let n = Double(trials)
        let lower =
            successes == 0 ? 0 : SpecialFunctions.inverseRegularizedIncompleteBeta(p: alpha / 2, a: x, b: n - x + 1)
        let upper =
            successes == trials
            ? 1 : SpecialFunctions.inverseRegularizedIncompleteBeta(p: 1 - alpha / 2, a: x + 1, b: n - x)
        return ProportionInterval(method: .clopperPearson, confidence: confidence, lower: lower, upper: upper)
    }

    private static func validArguments(successes: Int, trials: Int, confidence: Double) -> Bool {
        trials > 0 && successes >= 0 && successes <= trials && confidence > 0 && confidence < 1
    }

    /// `{"method", "confidence", "lower", "upper"}`.
    public func json() -> JSONValue {
        [
            "method": .string(method.rawValue), "confidence": .finite(confidence), "lower": .finite(lower),
            "upper": .finite(upper),
        ]
    }
}
