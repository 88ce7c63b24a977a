/// Every bound on the telemetry store, so no client can grow it without limit.
public struct EntityStoreLimits: Sendable {
    public var maxEntities = 100_000
    public var maxMetricsPerEntity = 64
    public var maxPointsPerSeries = 2_048
    public var maxLabelsPerEntity = 16
    /// Longest label key or value, in bytes.
    public var maxLabelBytes = 256
    /// Entities that receive nothing for this long are forgotten.
    public var idleTTLSeconds: Double = 24 * 3600
    /// Retention for metrics no loaded model mentions.
    public var defaultRetentionSeconds: Double = 3600
    /// Total bytes of telemetry state (the store's own accounting, `approximateMemoryBytes`); an ingest
    /// that finds the store at or over it is refused after idle entities were evicted. Checked before
    /// each batch, so it may be overshot by the batches in flight (about 16 bytes a point each).
    public var maxBytes = 96 << 20

    public init() {}
}

/// What happened to the points of one ingest call.
public struct IngestReport: Sendable, Equatable {
    public var accepted = 0
    /// Same timestamp as a stored point: the new value replaced it (last write wins).
    public var replaced = 0
    /// Older than the metric's retention behind the series' latest point.
    public var rejectedTooOld = 0
    /// Non-finite value or timestamp.
    public var rejectedInvalid = 0
    /// Over the per-entity metric cap, or dropped at once by the per-series point cap.
    public var rejectedLimit = 0

    public init() {}
}

/// Why an ingest was refused as a whole.
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store holds `maxEntities` entities and none is idle enough to evict.
    case entityLimitReached(Int)
    /// The entity id is empty, too long or has control characters.
    case invalidEntityID
    /// The store holds `maxBytes` bytes of telemetry and evicting idle entities freed too little.
    case byteBudgetExhausted(Int)

    public var description: String {
        switch self {
        case .entityLimitReached(let limit): "the telemetry store is full (\(limit) entities)"
        case .invalidEntityID: "entity ids are 1 to 256 bytes without control characters"
        case .byteBudgetExhausted(let limit): "the telemetry store is full (\(limit) bytes)"
        }
    }
}
