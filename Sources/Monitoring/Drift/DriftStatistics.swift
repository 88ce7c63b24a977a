import Foundation

/// The two-sample drift statistics, kept as pure functions so they can be checked against numpy/scipy.
public enum DriftStatistics {
    /// Floor applied to both proportions before PSI's logarithm, so an empty bin on either side gives a
    /// large but finite contribution instead of infinity.
    public static let psiEpsilon = 1e-4

    /// Proportions of `values` in the bins of `edges`, like numpy.histogram after clipping to the edges:
    /// bins are [e_i, e_{i+1}) except the last, which is closed; values outside fall into the end bins.
    /// Non-finite values are ignored.
    public static func binProportions(_ values: [Double], edges: [Double]) -> [Double] {
        let binCount = edges.count - 1
        guard binCount > 0 else { return [] }
        var counts = [Int](repeating: 0, count: binCount)
        var total = 0
        for value in values where value.isFinite {
            // First edge strictly greater than the value; its left neighbour is the bin.
            var low = 0
            var high = edges.count
            while low < high {
                let middle = (low + high) / 2
                if edges[middle] > value { high = middle } else { low = middle + 1 }
            }
            counts[min(max(low - 1, 0), binCount - 1)] += 1
            total += 1
        }
        guard total > 0 else { return [Double](repeating: 0, count: binCount) }
        return counts.map { Double($0) / Double(total) }
    }

    /// Population stability index Σ (q − p)·ln(q / p) with p, q floored at `psiEpsilon`. Rules of thumb:
    /// < 0.1 stable, 0.1–0.2 moderate shift, > 0.2 significant shift.
    public static func psi(reference: [Double], current: [Double]) -> Double {
        zip(reference, current).reduce(0) { sum, pair in
            let p = max(pair.0, psiEpsilon)
            let q = max(pair.1, psiEpsilon)
            return sum + (q - p) * log(q / p)
        }
    }

    /// The two-sample Kolmogorov–Smirnov statistic D = sup |F_a − F_b| of two SORTED samples.
    public static func ksStatistic(sortedA a: [Double], sortedB b: [Double]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return .nan }
        var i = 0
        var j = 0
        var d = 0.0
        while i < a.count && j < b.count {
            let value = min(a[i], b[j])
            while i < a.count && a[i] == value { i += 1 }
            while j < b.count && b[j] == value { j += 1 }
            d = max(d, abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)))
        }
        return d
    }

    /// Asymptotic two-sided p-value of D: the Kolmogorov survival function Q(λ) = 2 Σ (−1)^{k−1} e^{−2k²λ²}
    /// at λ = √(nm/(n+m))·D (scipy `kstwobign.sf`). Approximate for small samples.
    public static func ksPValue(statistic d: Double, sizeA n: Int, sizeB m: Int) -> Double {
        guard n > 0, m > 0, d.isFinite else { return .nan }
        let lambda = (Double(n) * Double(m) / Double(n + m)).squareRoot() * d
        if lambda < 0.2 { return 1 }
        var sum = 0.0
        for k in 1...100 {
            let kk = Double(k)
            let term = exp(-2 * kk * kk * lambda * lambda)
            sum += (k % 2 == 1 ? 1 : -1) * term
            if term < 1e-17 { break }
        }
        return min(1, max(0, 2 * sum))
    }
}
