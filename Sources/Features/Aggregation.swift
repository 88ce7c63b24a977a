/// How a feature summarises one metric's points inside a window. The semantics are shared, to the
/// letter, with `training/riskd_features.py`, so a model sees the same numbers in serving as in training.
public enum Aggregation: String, Sendable, CaseIterable {
    case last, mean, min, max, sum, count, stddev, delta, slope, rate
}

/// One model input computed from raw telemetry: `aggregation` of `metric` over the last `windowSeconds`.
public struct FeatureSpec: Sendable, Hashable {
    public let name: String
    public let metric: String
    public let aggregation: Aggregation
    public let windowSeconds: Double

    public init(name: String, metric: String, aggregation: Aggregation, windowSeconds: Double) {
        self.name = name
        self.metric = metric
        self.aggregation = aggregation
        self.windowSeconds = windowSeconds
    }
}

/// One raw observation of an entity's metric.
public struct MetricPoint: Sendable, Equatable {
    public let metric: String
    public let timestamp: Double
    public let value: Double

    public init(metric: String, timestamp: Double, value: Double) {
        self.metric = metric
        self.timestamp = timestamp
        self.value = value
    }
}

/// Features of one entity as of one instant, in the order of the specs asked for; NaN = missing.
public struct FeatureVector: Sendable {
    public let asOf: Double
    public let values: [Double]
    /// Windows of an as-of time before this reach into history the store has already dropped
    /// (retention), so their features would be silently incomplete; −∞ when nothing was dropped.
    public var earliestExactAsOf = -Double.infinity
    /// The entity's newest point (−∞ when it has none).
    public var latestTimestamp = -Double.infinity

    public init(asOf: Double, values: [Double]) {
        self.asOf = asOf
        self.values = values
    }

    public var missingCount: Int { values.reduce(0) { $0 + ($1.isNaN ? 1 : 0) } }
}
