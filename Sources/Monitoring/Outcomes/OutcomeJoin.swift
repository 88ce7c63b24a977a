/// Where predictions wait for their outcomes, joined by prediction id or by entity and time window.
///
/// `OutcomeTracker` keeps them in memory; a store-backed join (SQLite/PostgreSQL, so predictions survive
/// a restart) can take its place behind this protocol without touching the predict path, which only
/// calls `recordPredictions`.
public protocol OutcomeJoin: Sendable {
    var model: String { get }
    var version: String { get }
    /// Predictions older than this can no longer be labeled.
    var ttlSeconds: Double { get }
    /// At most this many predictions are held for the join.
    var capacity: Int { get }
    /// Remembers a batch of predictions; must not block (called on the event loops).
    func recordPredictions(_ predictions: [OutcomeTracker.Prediction])
    /// Labels one prediction; false when it is unknown, expired, already labeled or the label is not 0/1.
    func recordOutcome(predictionID: String, label: Int, source: OutcomeSource, now: Double) -> Bool
    /// Labels the unlabeled predictions of `entity` made in [from, to]; returns how many.
    func recordOutcome(entity: String, from: Double, to: Double, label: Int, source: OutcomeSource, now: Double)
        -> Int
    /// Outcomes accepted so far per source.
    func outcomeCounts() -> [OutcomeSource: Int]
    /// Statistics computed now (may take milliseconds: call off the event loops).
    func statistics(now: Double) -> OutcomeStatistics
    /// Statistics over labeled predictions kept elsewhere (a state store), with this join's tiers and limits.
    func statistics(
        labeled: [(id: String, entity: String, risk: Double, tier: String, time: Double, label: Int)], pending: Int
    ) -> OutcomeStatistics
    /// Recomputes the statistics kept for `/metrics`.
    @discardableResult func refresh(now: Double) -> OutcomeStatistics
    /// The statistics of the last refresh.
    var latestStatistics: OutcomeStatistics? { get }
}
