import Foundation
import JSON

/// How many requests are needed before a difference between two availability levels is detectable, so an
/// SLO review can tell "no evidence yet" from "no difference".
///
/// Normal approximation on failure ratios f_a = 1 − availability_a and f_b = 1 − availability_b:
///
///     n = [ z_{1−α'} · √(f_a(1−f_a)) + z_{1−β} · √(f_b(1−f_b)) ]² / (f_a − f_b)²
///
/// with α' = α for a one-sided test and α/2 for a two-sided one, and power = 1 − β. The result is rounded
/// up. The approximation is slightly optimistic for rare failures because the exact test is discrete.
public struct SampleSize: Sendable, Equatable {
    public let availabilityA: Double
    public let availabilityB: Double
    public let alpha: Double
    public let power: Double
    /// The unrounded n of the formula.
    public let exactOneSided: Double
    public let exactTwoSided: Double

    /// Nil unless both availabilities are in (0, 1) and differ, 0 < alpha < 1 and 0 < power < 1.
    public init?(availabilityA: Double, availabilityB: Double, alpha: Double, power: Double) {
        guard availabilityA > 0, availabilityA < 1, availabilityB > 0, availabilityB < 1,
            availabilityA != availabilityB, alpha > 0, alpha < 1, power > 0, power < 1
        else { return nil }
        self.availabilityA = availabilityA
        self.availabilityB = availabilityB
        self.alpha = alpha
        self.power = power
        let fa = 1 - availabilityA
        let fb = 1 - availabilityB
        let zPower = NormalDistribution.quantile(power)
        func n(_ zAlpha: Double) -> Double {
            let numerator = zAlpha * (fa * (1 - fa)).squareRoot() + zPower * (fb * (1 - fb)).squareRoot()
            return numerator * numerator / ((fa - fb) * (fa - fb))
        }
        exactOneSided = n(NormalDistribution.quantile(1 - alpha))
        exactTwoSided = n(NormalDistribution.quantile(1 - alpha / 2))
    }

    /// Requests needed for a one-sided test.
    public var oneSided: Int { Int(exactOneSided.rounded(.up)) }
    /// Requests needed for a two-sided test.
    public var twoSided: Int { Int(exactTwoSided.rounded(.up)) }

    public func json() -> JSONValue {
        [
            "availability_a": .finite(availabilityA), "availability_b": .finite(availabilityB),
            "alpha": .finite(alpha), "power": .finite(power), "requests_one_sided": .number(Double(oneSided)),
            "requests_two_sided": .number(Double(twoSided)),
        ]
    }
}
