import Alerting
import Foundation
import RiskCore
import Storage

/// Where `IncidentLoop.store` puts an event while an incident decision runs inside a state-store
/// transaction: into that transaction (the transactional outbox) instead of the local file outbox.
/// Bound per thread for the duration of the decision only.
enum OutboxSink {
    /// The transaction's enqueue, boxed because the transaction belongs to one thread.
    final class Target: @unchecked Sendable {
        let write: (OutboxEvent) throws(StorageError) -> Void
        init(_ write: @escaping (OutboxEvent) throws(StorageError) -> Void) { self.write = write }

        func enqueue(_ event: OutboxEvent) throws(OutboxError) {
            do {
                try write(event)
            } catch {
                throw .storage(error.description)
            }
        }
    }

    @TaskLocal static var current: Target?
}

/// The incident decision for a dedup key runs in one state-store transaction (with PostgreSQL holding
/// the key's advisory lock; SQLite has one writer): read the incident as the store has it, decide, put
/// any page into the store's outbox and save the incident. Replicas that see the same tier rise
/// therefore page exactly once, and a page exists if and only if the incident change that caused it
/// committed. `StoreOutboxDelivery` delivers it.
extension RiskService {
    /// `labels` (for suppression groups and the page's group) default to the entity's telemetry labels;
    /// Prometheus-sourced assessments pass their series' labels.
    func decideIncident(
        model: String, version: Int?, entity: String, assessment: RiskAssessment, predictionID: String,
        labels: [String: String]? = nil
    ) throws(HTTPResponseError) {
        let key = PagerDutyEvents.dedupKey(model: model, entity: entity)
        let labels = labels ?? entities.labels(entity: entity) ?? [:]
        let lifecycle = incidentLoop.lifecycle
        try storing(what: "outbox") { () throws(StorageError) in
            try store.updateIncident(dedupKey: key) { [self] transaction throws(StorageError) in
                let stored = try transaction.incident()
                if let stored, let tier = AlertTier(name: stored.pagedTier) {
                    lifecycle.restore(
                        dedupKey: key,
                        IncidentLifecycle.Snapshot(
                            pagedTier: tier, belowSince: stored.belowSince, lastUpdate: stored.lastUpdate))
                } else {
                    lifecycle.forget(dedupKey: key)
                }
                let before = lifecycle.snapshot(dedupKey: key)
                var failure: OutboxError?
                let now = Date().timeIntervalSince1970
                // Suppression decides in this transaction too (cooldowns shared by replicas).
                let ledger = StoreSuppressionLedger(
                    transaction.suppression, configuration: incidentLoop.suppressor.configuration, now: now,
                    locked: false)
                AlertSuppressor.$ledger.withValue(ledger) {
                    OutboxSink.$current.withValue(OutboxSink.Target(transaction.enqueue)) {
                        do throws(OutboxError) {
                            try incidentLoop.observe(
                                model: model, version: version, entity: entity, labels: labels, assessment: assessment,
                                predictionID: predictionID, now: now)
                        } catch {
                            failure = error
                        }
                    }
                }
                if let failure = failure.map({ StorageError(.failed, $0.description) }) ?? ledger.failure {
                    lifecycle.restore(dedupKey: key, before)
                    throw failure
                }
                let after = lifecycle.snapshot(dedupKey: key)
                // Most assessments change nothing: then nothing is written (and SQLite syncs nothing).
                guard after.pagedTier?.name != stored?.pagedTier || after.belowSince != stored?.belowSince else {
                    return
                }
                try transaction.save(
                    after.pagedTier.map {
                        StoredIncident(
                            dedupKey: key, pagedTier: $0.name, belowSince: after.belowSince,
                            lastUpdate: after.lastUpdate ?? 0)
                    })
            }
        }
    }
}
