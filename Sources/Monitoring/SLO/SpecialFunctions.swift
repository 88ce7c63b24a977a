import Foundation

/// The regularized incomplete beta function and its inverse, the numerical core of exact binomial
/// statistics (Clopper–Pearson intervals and binomial tail probabilities), written here because the
/// toolchain ships no statistics library.
public enum SpecialFunctions {
    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    /// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1.
    ///
    /// Uses the continued fraction of Numerical Recipes §6.4 evaluated with the modified Lentz method,
    /// switching to the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
    /// Returns NaN for arguments outside the domain.
    public static func regularizedIncompleteBeta(x: Double, a: Double, b: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 { return 0 }
        if x == 1 { return 1 }
        let logFront = a * log(x) + b * log1p(-x) - logBeta(a, b)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(x: 1 - x, a: b, b: a) / b
    }

    /// The x in [0, 1] with I_x(a, b) = p, found by bisection to an interval width of 1e-15 (well below
    /// the 1e-10 the callers need); bisection is used because I_x is monotone and it cannot diverge.
    public static func inverseRegularizedIncompleteBeta(p: Double, a: Double, b: Double) -> Double {
        guard a > 0, b > 0, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return 1 }
        var low = 0.0
        var high = 1.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle <= low || middle >= high || high - low < 1e-15 { break }
            if regularizedIncompleteBeta(x: middle, a: a, b: b) < p {
                low = middle
            } else {
                high = middle
            }
        }
        return (low + high) / 2
    }

    /// The continued fraction for I_x(a, b) (Numerical Recipes `betacf`), modified Lentz evaluation.
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-16
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        // Convergence takes O(sqrt(max(a, b))) steps; 1e6 trials need a few thousand.
        let maxIterations = 10_000 + Int(min(sqrt(max(a, b)) * 20, 1e6))
        for m in 1...maxIterations {
            let mm = Double(m)
            let m2 = 2 * mm
            var aa = mm * (b - mm) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + mm) * (qab + mm) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
