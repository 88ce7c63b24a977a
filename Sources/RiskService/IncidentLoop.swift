import Alerting
import Foundation
import JSON
import Log
import Metrics
import Monitoring
import RiskCore

/// Closes the loop from prediction to page to outcome: tier changes become PagerDuty Events v2 through
/// the durable outbox (after suppression), PagerDuty and Alertmanager webhooks become open-incident
/// state and ground-truth labels, and drift can fire a retraining webhook through the same outbox.
final class IncidentLoop: Sendable {
    let outbox: Outbox
    let pagerDuty: PagerDutyEvents?
    let lifecycle: IncidentLifecycle
    let incidents = IncidentState()
    let suppressor: AlertSuppressor
    let verifier: PagerDutyWebhookVerifier?
    let deliveries = WebhookDeduplicator()
    let retrainingWebhook: WebhookEventBuilder?
    let entityLabel: String
    let logger: Logger

    init(configuration: ServiceConfiguration, policy: ServicePolicy, metrics: MetricsRegistry, logger: Logger) throws {
        self.logger = logger
        let sections = policy.sections
        outbox = try Outbox(
            configuration: OutboxConfiguration(directory: configuration.dataDirectory + "/outbox"), metrics: metrics,
            logger: logger)
        if let path = configuration.pagerDutyRoutingKeyFile {
            let key = try Self.secret(path).trimmingCharacters(in: .whitespacesAndNewlines)
            pagerDuty = PagerDutyEvents(configuration: .init(routingKey: key, baseURL: configuration.pagerDutyURL))
        } else {
            pagerDuty = nil
        }
        if let path = configuration.pagerDutyWebhookSecretsFile {
            let secrets = try Self.secret(path).split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            verifier = PagerDutyWebhookVerifier(secrets: secrets)
        } else {
            verifier = nil
        }
        var incidentSettings = IncidentLifecycle.Configuration()
        let pd = sections["pagerduty"]
        if let value = pd?["resolve_threshold"]?.doubleValue { incidentSettings.resolveThreshold = value }
        if let value = pd?["hold_seconds"]?.doubleValue { incidentSettings.holdSeconds = value }
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
        retrainingWebhook = sections["retraining"]?["webhook_url"]?.stringValue.map {
            WebhookEventBuilder(configuration: .init(url: $0))
        }
        entityLabel = sections["alertmanager"]?["entity_label"]?.stringValue ?? "entity"
        outbox.start()
    }

    private static func secret(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceConfiguration.Error(description: "secret file \(path) cannot be read")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Feeds one entity assessment to the incident lifecycle; pages or resolves through the outbox.
    /// Blocking (fsync on a page), so callers run on a worker.
    func observe(
        model: String, version: Int, entity: String, labels: [String: String], assessment: RiskAssessment,
        predictionID: String, now: Double
    ) {
        guard let pagerDuty, assessment.source == .model, let tier = AlertTier(name: assessment.tier.rawValue) else {
            return
        }
        let key = PagerDutyEvents.dedupKey(model: model, entity: entity)
        let wasOpen = lifecycle.openTier(dedupKey: key) != nil
        switch lifecycle.observe(dedupKey: key, risk: assessment.risk, tier: tier, now: now) {
        case .none: return
        case .resolve: enqueue(pagerDuty.resolve(dedupKey: key))
        case .trigger(let raised):
            // Escalating an open incident bypasses suppression, which would otherwise inhibit it.
            if !wasOpen, case .suppressed = suppressor.evaluate(dedupKey: key, labels: labels, now: now) {
                lifecycle.forget(dedupKey: key)
                return
            }
            let interval =
                assessment.lower.map { " [\(Self.percent($0))–\(Self.percent(assessment.upper ?? $0))]" } ?? ""
            var details: JSONObject = [
                "risk": .number(assessment.risk), "tier": .string(raised.name), "model": .string(model),
                "model_version": .string(String(version)), "prediction_id": .string(predictionID),
                "out_of_range_features": .array(assessment.outOfRangeFeatures.map(JSONValue.string)),
                "missing_features": .array(assessment.missingFeatures.map(JSONValue.string)),
            ]
            if let lower = assessment.lower, let upper = assessment.upper {
                details.append("interval", ["lower": .number(lower), "upper": .number(upper)])
            }
            let payload = PagerDutyAlertPayload(
                summary:
                    "\(entity): \(Self.percent(assessment.risk)) failure risk\(interval) (\(raised.name), \(model))",
                source: entity, severity: raised == .l3 ? .critical : .warning,
                timestamp: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: now)), component: model,
                group: labels["cluster"] ?? labels["service"], eventClass: "failure_risk", customDetails: details)
            enqueue(pagerDuty.trigger(dedupKey: key, payload: payload))
        }
    }

    func enqueue(_ event: OutboxEvent) {
        do {
            try outbox.enqueue(event)
        } catch {
            // The key names an entity, which may be a hostname or a person's device: scrub it.
            logger.error(
                "outbox refused an event",
                ["error": .string("\(error)"), "key": .string(PIIRedactor.scrub(event.key))])
        }
    }

    private static func percent(_ value: Double) -> String {
        String(format: "%.1f%%", value * 100)
    }

    func stop() {
        _ = outbox.stop(timeout: 5)
    }
}
