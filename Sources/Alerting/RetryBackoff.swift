/// Exponential backoff with full jitter (AWS architecture blog): retry n waits a uniform random time in
/// [0, min(max, base * 2^n)], so many events failing together do not retry in lockstep.
struct RetryBackoff {
    let base: Double
    let maximum: Double
    let maxRetryAfter: Double

    /// Seconds to wait before the retry following failed attempt number `attempt` (0-based).
    /// A receiver's `Retry-After` wins (capped), since it said when it can take more.
    func delay(attempt: Int, retryAfter: Double?, unit: Double) -> Double {
        if let retryAfter { return min(max(0, retryAfter), maxRetryAfter) }
        return unit * ceiling(attempt: attempt)
    }

    /// The upper end of the jitter range for `attempt`.
    func ceiling(attempt: Int) -> Double {
        let exponent = Double(min(max(0, attempt), 60))
        return min(maximum, base * pow2(exponent))
    }

    private func pow2(_ exponent: Double) -> Double {
        Double(sign: .plus, exponent: Int(exponent), significand: 1)
    }
}
