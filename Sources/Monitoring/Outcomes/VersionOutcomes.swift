import Synchronization

/// How good one model version's risks turned out to be, for `/metrics` and the performance route.
///
/// The join itself lives in the state store: predictions are journaled off the hot path and outcome
/// reports label them there, so it is shared by every replica and outlives the process. This keeps what
/// the join is judged by (the tier thresholds, the labelling horizon, how many labelled predictions are
/// read), the statistics of the last refresh (computed off the event loops from the store), and the
/// outcomes this replica accepted per source (a counter Prometheus sums across replicas).
public final class VersionOutcomes: Sendable {
    /// One stored prediction with its outcome, as the store returns it (time order).
    public typealias LabeledPrediction = (
        id: String, entity: String, risk: Double, tier: String, time: Double, label: Int
    )

    public let model: String
    public let version: String
    /// Tier thresholds, in any order; the lowest is the alerting threshold for false positives/negatives.
    public let tiers: [TierThreshold]
    /// At most this many of the latest labelled predictions are read for the statistics.
    public let capacity: Int
    /// Predictions older than this can no longer be labelled and leave the statistics.
    public let ttlSeconds: Double
    /// At most this many false-positive and false-negative ids are listed in statistics.
    public let maxListedErrors: Int
    private let latest = Mutex<OutcomeStatistics?>(nil)
    private let accepted = Mutex<[OutcomeSource: Int]>([:])

    public init(
        model: String, version: String, tiers: [TierThreshold], capacity: Int = 100_000,
        ttlSeconds: Double = 30 * 86_400, maxListedErrors: Int = 100
    ) {
        self.model = model
        self.version = version
        self.tiers = tiers.sorted { $0.risk < $1.risk }
        self.capacity = max(1, capacity)
        self.ttlSeconds = ttlSeconds
        self.maxListedErrors = max(0, maxListedErrors)
    }

    /// Statistics over `labeled` (time order) with `pending` predictions still waiting for an outcome.
    public func statistics(labeled: [LabeledPrediction], pending: Int) -> OutcomeStatistics {
        OutcomeStatistics(
            model: model, version: version, tiers: tiers,
            labeled: labeled.map { (id: $0.id, risk: $0.risk, label: $0.label) }, pending: pending,
            maxListedErrors: maxListedErrors)
    }

    /// Keeps `statistics` as what `/metrics` shows until the next refresh.
    public func publish(_ statistics: OutcomeStatistics) {
        latest.withLock { $0 = statistics }
    }

    /// The statistics of the last refresh; nil before the first.
    public var latestStatistics: OutcomeStatistics? { latest.withLock { $0 } }

    /// Counts `count` outcomes from `source` that labelled predictions of this version.
    public func countOutcomes(_ count: Int, source: OutcomeSource) {
        guard count > 0 else { return }
        accepted.withLock { $0[source, default: 0] += count }
    }

    /// Outcomes accepted by this replica so far per source (cumulative, for a counter).
    public func outcomeCounts() -> [OutcomeSource: Int] {
        accepted.withLock { $0 }
    }
}
