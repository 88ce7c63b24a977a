import Foundation

/// Probabilities of the binomial distribution B(n, p), through the incomplete beta function so that tails
/// of millions of trials are exact without summing terms.
public struct BinomialDistribution: Sendable {
    public let trials: Int
    public let probability: Double

    public init(trials: Int, probability: Double) {
        self.trials = trials
        self.probability = probability
    }

    /// P(X = k).
    public func pmf(_ k: Int) -> Double {
        guard k >= 0, k <= trials else { return 0 }
        if probability == 0 { return k == 0 ? 1 : 0 }
        if probability == 1 { return k == trials ? 1 : 0 }
        let n = Double(trials)
        let kk = Double(k)
        let logChoose = lgamma(n + 1) - lgamma(kk + 1) - lgamma(n - kk + 1)
        return exp(logChoose + kk * log(probability) + (n - kk) * log1p(-probability))
    }

    /// P(X ≤ k) = I_{1−p}(n − k, k + 1).
    public func cdf(_ k: Int) -> Double {
        if k < 0 { return 0 }
        if k >= trials { return 1 }
        return SpecialFunctions.regularizedIncompleteBeta(
            x: 1 - probability, a: Double(trials - k), b: Double(k + 1))
    }

    /// P(X ≥ k) = I_p(k, n − k + 1), computed directly so small upper tails keep their precision.
    public func upperTail(_ k: Int) -> Double {
        if k <= 0 { return 1 }
        if k > trials { return 0 }
        return SpecialFunctions.regularizedIncompleteBeta(
            x: probability, a: Double(k), b: Double(trials - k + 1))
    }
}
