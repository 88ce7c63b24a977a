/// Evaluates an aggregation over the points of one series that fall in the window `(from, through]`.
///
/// `timestamps` must be sorted ascending (the store keeps them so); the window bounds are found by
/// binary search, so a feature costs O(log n + points in window) with no allocation. An empty window —
/// or fewer than two points for `delta`, `slope` and `rate`, which describe change — is missing (NaN),
/// except `count`, which is 0. (One point has no change to report; 0 would claim "steady".)
public enum WindowAggregator {
    public static func evaluate(
        _ aggregation: Aggregation, timestamps: UnsafeBufferPointer<Double>, values: UnsafeBufferPointer<Double>,
        from: Double, through: Double
    ) -> Double {
        let start = firstIndex(after: from, in: timestamps)
        let end = firstIndex(after: through, in: timestamps)
        let count = end - start
        if aggregation == .count { return Double(max(count, 0)) }
        guard count > 0 else { return .nan }
        switch aggregation {
        case .last: return values[end - 1]
        case .sum: return sum(values, start, end)
        case .mean: return sum(values, start, end) / Double(count)
        case .min: return (start..<end).reduce(Double.infinity) { Swift.min($0, values[$1]) }
        case .max: return (start..<end).reduce(-Double.infinity) { Swift.max($0, values[$1]) }
        case .stddev:
            let mean = sum(values, start, end) / Double(count)
            let squares = (start..<end).reduce(0.0) { $0 + (values[$1] - mean) * (values[$1] - mean) }
            return (squares / Double(count)).squareRoot()
        case .delta: return count >= 2 ? values[end - 1] - values[start] : .nan
        case .slope: return slope(timestamps, values, start, end)
        case .rate: return rate(timestamps, values, start, end)
        case .count: return Double(count)
        }
    }

    /// Convenience over arrays (tests, the reference implementation's vectors).
    public static func evaluate(
        _ aggregation: Aggregation, timestamps: [Double], values: [Double], from: Double, through: Double
    ) -> Double {
        timestamps.withUnsafeBufferPointer { times in
            values.withUnsafeBufferPointer {
                evaluate(aggregation, timestamps: times, values: $0, from: from, through: through)
            }
        }
    }

    /// Index of the first timestamp strictly greater than `bound` (binary search).
    static func firstIndex(after bound: Double, in timestamps: UnsafeBufferPointer<Double>) -> Int {
        var low = 0
        var high = timestamps.count
        while low < high {
            let middle = (low + high) / 2
            if timestamps[middle] <= bound { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func sum(_ values: UnsafeBufferPointer<Double>, _ start: Int, _ end: Int) -> Double {
        var total = 0.0
        for index in start..<end { total += values[index] }
        return total
    }

    /// Least-squares slope per second; times are centred on their mean for numerical stability
    /// (Unix timestamps squared would lose every significant digit).
    private static func slope(
        _ timestamps: UnsafeBufferPointer<Double>, _ values: UnsafeBufferPointer<Double>, _ start: Int, _ end: Int
    ) -> Double {
        let count = Double(end - start)
        guard end - start >= 2 else { return .nan }
        var meanTime = 0.0
        var meanValue = 0.0
        for index in start..<end {
            meanTime += timestamps[index]
            meanValue += values[index]
        }
        meanTime /= count
        meanValue /= count
        var covariance = 0.0
        var variance = 0.0
        for index in start..<end {
            let dt = timestamps[index] - meanTime
            covariance += dt * (values[index] - meanValue)
            variance += dt * dt
        }
        return variance > 0 ? covariance / variance : .nan
    }

    /// Per-second increase of a counter; a decrease is a reset, after which the new value is the increase.
    private static func rate(
        _ timestamps: UnsafeBufferPointer<Double>, _ values: UnsafeBufferPointer<Double>, _ start: Int, _ end: Int
    ) -> Double {
        guard end - start >= 2 else { return .nan }
        let span = timestamps[end - 1] - timestamps[start]
        guard span > 0 else { return .nan }
        var increase = 0.0
        for index in (start + 1)..<end {
            let step = values[index] - values[index - 1]
            increase += step >= 0 ? step : values[index]
        }
        return increase / span
    }
}
