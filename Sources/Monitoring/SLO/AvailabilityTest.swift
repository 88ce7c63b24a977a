import JSON

/// Whether a measured availability is significantly better than a target, so a report can say "above
/// target" only when the data supports it: 99.95% over 10,000 requests is not evidence of beating 99.9%.
///
/// Works on failures, which is numerically safer: k = total − good failures out of n, target failure
/// ratio f0 = 1 − target. H0: f ≥ f0 against H1: f < f0; the exact one-sided p-value is P(X ≤ k | n, f0)
/// (scipy `binomtest(k, n, f0, alternative='less')`). The two-sided p-value follows scipy's rule: the sum of
/// the probabilities of all outcomes no more likely than the observed one (relative tolerance 1e-7).
public struct AvailabilityTest: Sendable, Equatable {
    public let failures: Int
    public let total: Int
    public let targetFailureRatio: Double
    /// Exact P(X ≤ failures) under the target failure ratio.
    public let oneSidedPValue: Double
    /// Exact two-sided p-value for "availability differs from the target".
    public let twoSidedPValue: Double
    /// Normal-approximation z = (f̂ − f0)/√(f0(1−f0)/n); negative when better than target.
    public let zScore: Double
    /// Φ(z), the normal approximation to the one-sided p-value.
    public let normalOneSidedPValue: Double

    /// Tests `good` of `total` against `target` (0 < target < 1). Nil when `total` is 0 or inputs are invalid.
    public init?(good: Int, total: Int, target: Double) {
        guard total > 0, good >= 0, good <= total, target > 0, target < 1 else { return nil }
        let failures = total - good
        let f0 = 1 - target
        let distribution = BinomialDistribution(trials: total, probability: f0)
        self.failures = failures
        self.total = total
        self.targetFailureRatio = f0
        oneSidedPValue = distribution.cdf(failures)
        twoSidedPValue = Self.twoSided(failures, distribution)
        zScore = (Double(failures) / Double(total) - f0) / (f0 * (1 - f0) / Double(total)).squareRoot()
        normalOneSidedPValue = NormalDistribution.cdf(zScore)
    }

    /// True when the one-sided exact test rejects H0 (availability ≤ target) at level `alpha`.
    public func isSignificantlyAboveTarget(alpha: Double) -> Bool { oneSidedPValue < alpha }

    private static func twoSided(_ k: Int, _ distribution: BinomialDistribution) -> Double {
        let n = distribution.trials
        let mean = Double(n) * distribution.probability
        let threshold = distribution.pmf(k) * (1 + 1e-7)
        if Double(k) == mean { return 1 }
        if Double(k) < mean {
            // First j at or above the mean whose probability is at most the observed one (pmf falls there).
            var low = Int(mean.rounded(.up))
            var high = n + 1
            while low < high {
                let middle = (low + high) / 2
                if distribution.pmf(middle) <= threshold { high = middle } else { low = middle + 1 }
            }
            return min(1, distribution.cdf(k) + distribution.upperTail(low))
        }
        // Last j at or below the mean whose probability is at most the observed one (pmf rises up to there).
        var low = -1
        var high = Int(mean.rounded(.down))
        while low < high {
            let middle = (low + high + 1) / 2
            if distribution.pmf(middle) <= threshold { low = middle } else { high = middle - 1 }
        }
        return min(1, distribution.cdf(low) + distribution.upperTail(k))
    }

    /// `{"failures", "total", "target_failure_ratio", "p_value_one_sided", "p_value_two_sided", "z", ...}`.
    public func json() -> JSONValue {
        [
            "failures": .number(Double(failures)), "total": .number(Double(total)),
            "target_failure_ratio": .finite(targetFailureRatio), "p_value_one_sided": .finite(oneSidedPValue),
            "p_value_two_sided": .finite(twoSidedPValue), "z": .finite(zScore),
            "p_value_one_sided_normal": .finite(normalOneSidedPValue),
        ]
    }
}
