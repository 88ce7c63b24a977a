import Alerting
import Features
import Foundation
import Monitoring
import Registry
import Storage

/// What riskd keeps in its state store (`--state-url`) and how it comes back: telemetry is written
/// through before a 2xx and replayed into the rolling windows on start (with PostgreSQL, re-read per
/// entity on every assessment, so any replica computes the same features); open incidents, webhook
/// delivery ids, predictions and their outcome labels survive restarts. Every call here blocks on the
/// store, so it runs only in blocking handlers, on workers.
extension RiskService {
    static func stateURL(_ configuration: ServiceConfiguration) throws -> StateURL {
        try StateURL(parsing: configuration.stateURL ?? "sqlite://\(configuration.dataDirectory)/riskd.db")
    }

    /// Rebuilds the windows and open incidents from the store (after the models loaded, so the
    /// retention per metric is known).
    func restoreState() throws {
        applyRetentionIfModelsChanged()
        var restored = 0
        for entity in try store.telemetryEntities() {
            if try replay(entity) { restored += 1 }
        }
        for incident in try store.incidents() {
            guard let tier = AlertTier(name: incident.pagedTier) else { continue }
            incidentLoop.lifecycle.restore(
                dedupKey: incident.dedupKey,
                IncidentLifecycle.Snapshot(
                    pagedTier: tier, belowSince: incident.belowSince, lastUpdate: incident.lastUpdate))
        }
        logger.info(
            "state restored",
            [
                "store": .string(store.url.description), "entities": .number(Double(restored)),
                "incidents": .number(Double(incidentLoop.lifecycle.count)),
            ])
    }

    /// Replays what the store holds for the entity, in time order, through the same ingest rules, so
    /// the windows are exactly those of the process that wrote them. Into windows that already hold
    /// some of the points (a shared store) the replay is a union with last-write-wins per timestamp,
    /// which converges to the same windows without ever emptying them under a concurrent reader.
    @discardableResult
    func replay(_ entity: String) throws -> Bool {
        guard let stored = try store.telemetry(entity: entity) else { return false }
        _ = try? entities.ingest(entity: entity, points: stored.points, labels: stored.labels)
        return true
    }

    /// Shared store: another replica may have received this entity's telemetry; read it through.
    func refreshFromSharedStore(_ entity: String) throws(HTTPResponseError) {
        guard store.isShared else { return }
        try storing { () throws(StorageError) in
            do {
                try replay(entity)
            } catch let error as StorageError {
                throw error
            } catch {
                throw StorageError(.failed, "\(error)")
            }
        }
    }

    /// Makes an accepted telemetry batch durable before the request is answered.
    func persistTelemetry(_ entity: String, _ batch: TelemetryBatch) throws(HTTPResponseError) {
        let points = batch.points.filter { $0.value.isFinite && $0.timestamp.isFinite }
        var retention: [String: Double] = [:]
        for point in points where retention[point.metric] == nil {
            retention[point.metric] = entities.retentionSeconds(for: point.metric)
        }
        try storing { () throws(StorageError) in
            try store.appendTelemetry(
                entity: entity,
                points: points,
                labels: batch.labels, retention: retention, maxPointsPerSeries: entities.limits.maxPointsPerSeries)
        }
    }

    /// An incident closed in PagerDuty is no longer open here either.
    func forgetStoredIncident(_ key: String) throws(HTTPResponseError) {
        try storing { () throws(StorageError) in
            try store.updateIncident(dedupKey: key) { transaction throws(StorageError) in
                try transaction.save(StoredIncident?.none)
            }
        }
    }

    /// True the first time a webhook delivery id is seen (remembered in the store for 48 hours).
    func isFirstDelivery(_ id: String, now: Double) throws(HTTPResponseError) -> Bool {
        try storing { () throws(StorageError) in try store.recordDelivery(id: id, now: now, ttl: 48 * 3600) }
    }

    /// Applies outcomes to the stored predictions (after flushing the journal, so a prediction made a
    /// moment ago is labelable); returns the predictions each report labelled, in report order.
    func labelStored(_ reports: [OutcomeReport], model: String?) throws(HTTPResponseError) -> [[PredictionRecord]] {
        predictionJournal.flush()
        return try storing { () throws(StorageError) in
            var labeled: [[PredictionRecord]] = []
            for report in reports {
                switch report.target {
                case .prediction(let id):
                    labeled.append(try store.labelPrediction(id: id, label: report.label).map { [$0] } ?? [])
                case .entity(let name, let from, let to):
                    labeled.append(
                        try store.labelPredictions(model: model, entity: name, from: from, to: to, label: report.label))
                }
            }
            return labeled
        }
    }

    /// A version's outcome statistics over the stored predictions of the last `ttlSeconds`. Callers flush
    /// the prediction journal first (once for all the versions they read), so recent predictions count.
    func storedStatistics(_ tracker: VersionOutcomes, now: Double) throws(HTTPResponseError) -> OutcomeStatistics {
        let since = now - tracker.ttlSeconds
        return try storing { () throws(StorageError) in
            let labeled = try store.labeledPredictions(
                model: tracker.model, version: tracker.version, since: since, limit: tracker.capacity)
            let pending = try store.pendingPredictions(model: tracker.model, version: tracker.version, since: since)
            return tracker.statistics(
                labeled: labeled.map {
                    (id: $0.id, entity: $0.entity, risk: $0.risk, tier: $0.tier, time: $0.time, label: $0.label ?? 0)
                }, pending: pending)
        }
    }

    /// Once a minute: drop expired predictions (retention, then the byte cap), webhook ids, and the
    /// telemetry of entities idle for longer than `--entity-idle-ttl` beyond the longest window (the
    /// in-memory store forgets them too, so a restart brings back the same set).
    func pruneState(now: Double) {
        var longestWindow = entities.limits.defaultRetentionSeconds
        for entry in registry.snapshot.models.values {
            for model in entry.available.values {
                for spec in model.manifest.features { longestWindow = max(longestWindow, spec.windowSeconds) }
            }
        }
        do {
            try store.pruneTelemetry(before: now - configuration.entityIdleTTL - longestWindow)
            let maxRows = configuration.predictionStoreBytes / PredictionRecord.approximateStoredBytes
            try store.prunePredictions(before: now - configuration.predictionStoreRetention, maxRows: maxRows)
            try store.pruneDeliveries(before: now - 48 * 3600)
        } catch {
            logger.error("state store pruning failed", ["error": .string("\(error)")])
        }
    }

    /// Runs a store call; a failure becomes 503 `storage_unavailable` (nothing was acknowledged) and,
    /// like a failed outbox write, turns readiness off until durable writes work again.
    /// `what` names the store in `riskd_storage_write_failures_total{store}`.
    func storing<T>(what: String = "state", _ body: () throws(StorageError) -> T) throws(HTTPResponseError) -> T {
        do {
            let result = try body()
            return result
        } catch {
            incidentLoop.storage.failed(store: what, error.description)
            throw HTTPResponseError(
                .serviceUnavailable, "storage_unavailable",
                "the \(store.url.backend) state store failed (\(error)); nothing was recorded, retry later")
        }
    }
}
