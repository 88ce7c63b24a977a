import Alerting
import Foundation
import JSON
import Log
import Metrics
import Monitoring
import RiskCore
import Storage
import Synchronization

/// Closes the loop from prediction to page to outcome: tier changes become PagerDuty Events v2 through
/// the durable outbox (after suppression), PagerDuty and Alertmanager webhooks become open-incident
/// state and ground-truth labels, and drift can fire a retraining webhook through the same outbox.
///
/// A page counts only once it is in the outbox: when the write fails, the incident state is put back as
/// it was and the error is thrown, so the request fails (503) and the next assessment pages again.
final class IncidentLoop: Sendable {
    let outbox: Outbox
    let outboxDirectory: String
    let pagerDuty: PagerDutyEvents?
    let lifecycle: IncidentLifecycle
    let incidents = IncidentState()
    let suppressor: AlertSuppressor
    let verifier: PagerDutyWebhookVerifier?
    let deliveries = WebhookDeduplicator()
    /// How far a webhook's signed `occurred_at` may lie behind / ahead of our clock (replay protection).
    let webhookMaxAge: Double
    let webhookMaxFuture: Double
    let retrainingWebhook: WebhookEventBuilder?
    let entityLabel: String
    let storage: StorageHealth
    let logger: Logger
    /// Models whose "no loaded version" page is open.
    let unavailableModels = Mutex<Set<String>>([])
    /// Per digest page: the entity incidents it announced and that are still open.
    let digestMembers = Mutex(DigestMembership())
    private let ticker = MaintenanceThread()

    init(configuration: ServiceConfiguration, policy: ServicePolicy, metrics: MetricsRegistry, logger: Logger) throws {
        self.logger = logger
        let sections = policy.sections
        outboxDirectory = configuration.dataDirectory + "/outbox"
        outbox = try Outbox(
            configuration: OutboxConfiguration(directory: outboxDirectory), metrics: metrics, logger: logger)
        storage = StorageHealth(metrics: metrics)
        if let path = configuration.pagerDutyRoutingKeyFile {
            let key = try SecretFiles.routingKey(path: path)
            pagerDuty = PagerDutyEvents(configuration: .init(routingKey: key, baseURL: configuration.pagerDutyURL))
        } else {
            pagerDuty = nil
        }
        if let path = configuration.pagerDutyWebhookSecretsFile {
            verifier = PagerDutyWebhookVerifier(secrets: try SecretFiles.webhookSecrets(path: path))
        } else {
            verifier = nil
        }
        var incidentSettings = IncidentLifecycle.Configuration()
        let pd = sections["pagerduty"]
        if let value = pd?["resolve_threshold"]?.doubleValue { incidentSettings.resolveThreshold = value }
        if let value = pd?["hold_seconds"]?.doubleValue { incidentSettings.holdSeconds = value }
        webhookMaxAge = pd?["webhook_max_age_seconds"]?.doubleValue ?? 300
        webhookMaxFuture = pd?["webhook_max_future_seconds"]?.doubleValue ?? 60
        lifecycle = IncidentLifecycle(configuration: incidentSettings)
        var suppression = AlertSuppressor.Configuration()
        let section = sections["suppression"]
        if let labels = section?["group_labels"]?.arrayValue?.compactMap(\.stringValue) {
            suppression.groupLabels = labels
        }
        if let value = section?["cooldown_seconds"]?.doubleValue { suppression.cooldownSeconds = value }
        if let value = section?["window_seconds"]?.doubleValue { suppression.windowSeconds = value }
        if let value = section?["max_pages_per_window"]?.intValue { suppression.maxPagesPerWindow = value }
        suppressor = AlertSuppressor(configuration: suppression, incidents: incidents, metrics: metrics)
        metrics.collect(
            "riskd_alerts_deferred", help: "Pages held back by cooldown or storm control, waiting for a digest.",
            type: "gauge"
        ) { [suppressor] in [([], Double(suppressor.deferredCount))] }
        retrainingWebhook = sections["retraining"]?["webhook_url"]?.stringValue.map {
            WebhookEventBuilder(configuration: .init(url: $0))
        }
        entityLabel = sections["alertmanager"]?["entity_label"]?.stringValue ?? "entity"
        outbox.start()
        // Once a second: release digests of groups that may page again, and re-test a failing disk.
        ticker.start(interval: 1) { [weak self] in self?.tick() }
    }

    /// Feeds one entity assessment to the incident lifecycle; pages or resolves through the outbox.
    /// Blocking (fsync on a page), so callers run on a worker. `version` is nil for a fallback answered
    /// without any loaded version.
    ///
    /// A fallback answer never resolves an incident (its rule risk says nothing about what the model saw),
    /// but a fallback rule's tier does page, marked `source: fallback` with the rule in the details.
    func observe(
        model: String, version: Int?, entity: String, labels: [String: String], assessment: RiskAssessment,
        predictionID: String, now: Double
    ) throws(OutboxError) {
        guard let pagerDuty, let tier = AlertTier(name: assessment.tier.rawValue) else { return }
        if assessment.source == .model { try modelAnswered(model: model) }
        let key = PagerDutyEvents.dedupKey(model: model, entity: entity)
        let before = lifecycle.snapshot(dedupKey: key)
        // NaN never counts as "below the resolve threshold".
        let risk = assessment.source == .model ? assessment.risk : .nan
        switch lifecycle.observe(dedupKey: key, risk: risk, tier: tier, now: now) {
        case .none: return
        case .resolve:
            // Held back and never paged: nothing to resolve at PagerDuty.
            if suppressor.cancelDeferred(dedupKey: key) { return }
            do throws(OutboxError) {
                try resolveAnnounced(key, pagerDuty: pagerDuty)
            } catch {
                lifecycle.restore(dedupKey: key, before)
                throw error
            }
        case .trigger(let raised):
            var pagedGroup: String?
            if before.isOpen {
                // Escalating an open incident bypasses suppression, which would otherwise inhibit it.
                suppressor.cancelDeferred(dedupKey: key)
            } else {
                switch suppressor.evaluate(dedupKey: key, labels: labels, now: now) {
                case .page(let group): pagedGroup = group
                case .suppressed(.inhibited):
                    lifecycle.forget(dedupKey: key)
                    return
                case .suppressed(let reason):
                    // Deferred, not dropped: the group's digest names it once the group may page again.
                    let page = DeferredPage(
                        dedupKey: key, entity: entity, model: model, tier: raised, risk: assessment.risk,
                        labels: labels,
                        reason: reason, heldSince: now)
                    if !suppressor.deferPage(page) { lifecycle.forget(dedupKey: key) }
                    return
                }
            }
            let payload = Self.payload(
                model: model, version: version, entity: entity, labels: labels, assessment: assessment, tier: raised,
                predictionID: predictionID, now: now)
            do throws(OutboxError) {
                try store(pagerDuty.trigger(dedupKey: key, payload: payload))
            } catch {
                lifecycle.restore(dedupKey: key, before)
                if let pagedGroup { suppressor.undoPage(groupKey: pagedGroup, at: now) }
                throw error
            }
            leaveDigests(key, pagerDuty: pagerDuty)
        }
    }

    /// A telemetry assessment found no loaded version of `model`: one page per model says so (once),
    /// because every entity's paging now depends on coarse fallback rules, or on nothing at all.
    func modelUnavailable(model: String, now: Double) throws(OutboxError) {
        guard let pagerDuty, !unavailableModels.withLock({ $0.contains(model) }) else { return }
        let key = PagerDutyEvents.modelUnavailableKey(model: model)
        try store(pagerDuty.trigger(dedupKey: key, payload: Self.unavailablePayload(model: model, now: now)))
        unavailableModels.withLock { _ = $0.insert(model) }
    }

    /// The model answered again: resolve its "no loaded version" page if one is open.
    private func modelAnswered(model: String) throws(OutboxError) {
        guard let pagerDuty, unavailableModels.withLock({ $0.contains(model) }) else { return }
        try store(pagerDuty.resolve(dedupKey: PagerDutyEvents.modelUnavailableKey(model: model)))
        unavailableModels.withLock { _ = $0.remove(model) }
    }

    /// Durably enqueues one event; a storage failure is counted and turns readiness off until writes work.
    func store(_ event: OutboxEvent) throws(OutboxError) {
        if let sink = OutboxSink.current { return try sink.enqueue(event) }
        do {
            try outbox.enqueue(event)
            storage.succeeded()
        } catch {
            if case .storage(let reason) = error { storage.failed(store: "outbox", reason) }
            throw error
        }
    }

    /// Enqueues an event whose failure has nobody to report to (retraining webhooks): logged.
    func enqueue(_ event: OutboxEvent) {
        do {
            try store(event)
        } catch {
            // The key names an entity, which may be a hostname or a person's device: scrub it.
            logger.error(
                "outbox refused an event",
                ["error": .string("\(error)"), "key": .string(PIIRedactor.scrub(event.key))])
        }
    }

    private func tick() {
        storage.probe(directory: outboxDirectory)
        do throws(OutboxError) {
            try sendDueDigests(now: Date().timeIntervalSince1970)
        } catch {
            logger.error("cannot store a digest page; will retry", ["error": .string(error.description)])
        }
    }

    func stop() {
        ticker.stop()
        _ = outbox.stop(timeout: 5)
    }
}
