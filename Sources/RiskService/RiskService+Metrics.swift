import Metrics
import Registry

/// Metrics computed from the service's state, for the alerts in deploy/prometheus: whether this replica
/// is ready, whether a version's drift breaches the retraining policy now, and the state store's outbox.
extension RiskService {
    func registerServiceMetrics() {
        metrics.collect(
            "riskd_ready", help: "1 when this replica is ready for traffic (what /readyz answers), else 0.",
            type: "gauge"
        ) { [weak self] in [([], self?.notReadyReason() == nil ? 1 : 0)] }
        let observers = self.observers
        metrics.collect(
            "riskd_model_drift_breached",
            help: "1 when a version's latest drift report breaches its retraining policy (with enough samples).",
            type: "gauge", labelNames: ["model", "version"]
        ) {
            observers.all().compactMap { version in
                guard let report = version.drift.latestReport else { return nil }
                let policy = version.retraining.policy
                let breached = report.samples >= policy.minSamples && !policy.breaches(report).isEmpty
                return ([report.model, report.version], breached ? 1 : 0)
            }
        }
    }

    /// Every few seconds, off the loops: drops the observers (and prediction series) of versions no longer
    /// loaded, then recomputes the drift and outcome aggregates and the store outbox count /metrics shows.
    func refreshMonitoring(now: Double) {
        let loaded = registry.snapshot.models.values.flatMap { entry in
            entry.available.keys.map { "\(entry.name)/\($0)" }
        }
        observers.retain(loaded: Set(loaded))
        observers.refreshDrift()
        refreshOutcomeStatistics(now: now)
        // A count query, not taken at scrape time: a slow database must not slow the scrape.
        if let queued = try? store.outboxCount() { counters.storeOutboxQueued.set(Double(queued)) }
    }

    /// Recomputes every version's outcome statistics from the store's join when this replica labelled
    /// predictions since the last tick, or `outcomeRefreshInterval` has passed (other replicas' labels,
    /// expiry). A store error keeps the previous statistics.
    func refreshOutcomeStatistics(now: Double) {
        let changed = outcomesChanged.exchange(false, ordering: .acquiringAndReleasing)
        guard changed || now - outcomesRefreshedAt.withLock({ $0 }) >= Self.outcomeRefreshInterval else { return }
        outcomesRefreshedAt.withLock { $0 = now }
        predictionJournal.flush()
        for version in observers.all() {
            if let statistics = try? storedStatistics(version.outcomes, now: now) {
                version.outcomes.publish(statistics)
            }
        }
    }
}
