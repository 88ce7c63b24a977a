import Dispatch
import Metrics
import Monitoring
import Registry
import RiskCore
import Synchronization

/// Scores the shadow version on the same inputs as production, on a background queue, so a candidate
/// model is compared on real traffic without adding a microsecond to the production path. The queue is
/// bounded: when the shadow cannot keep up, jobs are dropped and counted rather than piling up.
final class ShadowScorer: Sendable {
    private let queue = DispatchQueue(label: "riskd.shadow", qos: .utility)
    private let pending = Atomic<Int>(0)
    private let limit: Int
    private let dropped: Counter
    private let scored: Counter

    init(limit: Int = 1_024, metrics: MetricsRegistry) {
        self.limit = limit
        dropped = metrics.counter(
            "riskd_shadow_dropped_total", help: "Shadow scoring jobs dropped because the shadow queue was full.")
        scored = metrics.counter("riskd_shadow_predictions_total", help: "Predictions scored by shadow versions.")
    }

    /// Queues `rows` (in the shadow model's feature order) for the shadow; returns at once.
    func submit(
        rows: FeatureMatrix, production: [RiskAssessment], shadow: ServableModel, scorer: RiskScorer,
        comparison: ShadowComparison
    ) {
        guard pending.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
            pending.wrappingSubtract(1, ordering: .relaxed)
            dropped.increment()
            return
        }
        queue.async { [self] in
            defer { pending.wrappingSubtract(1, ordering: .relaxed) }
            // A batch the shadow cannot score (too few features, no rules) is not comparable.
            guard let candidates = try? scorer.assess(batch: rows, with: shadow) else { return }
            for (live, candidate) in zip(production, candidates) {
                comparison.record(
                    productionRisk: live.risk, shadowRisk: candidate.risk, productionTier: live.tier.rawValue,
                    shadowTier: candidate.tier.rawValue)
            }
            scored.increment(by: UInt64(candidates.count))
        }
    }

    /// Waits (bounded) until queued shadow jobs are done; for tests and shutdown.
    func drain(timeout: Double) -> Bool {
        let group = DispatchGroup()
        group.enter()
        queue.async { group.leave() }
        return group.wait(timeout: .now() + timeout) == .success
    }
}
