import Alerting
import Foundation
import HTTPCore
import JSON
import Monitoring
import Registry
import RiskCore

/// Webhooks in (PagerDuty v3, Alertmanager v4) and the incident state they maintain; pages out happen in
/// `alert(...)` after each entity assessment.
extension RiskService {
    func addIncidentRoutes(to router: inout ServiceRoutes) {
        // Authenticated by its HMAC signature, not a bearer token: PagerDuty cannot send one.
        add(&router, .POST, "/v1/webhooks/pagerduty", role: nil, blocking: true) { [self] request, _, _ in
            guard let verifier = incidentLoop.verifier else {
                // Without secrets no signature can be valid.
                throw HTTPResponseError(
                    .unauthorized, "not_configured", "no PagerDuty webhook secrets (--pagerduty-webhook-secrets-file)")
            }
            do {
                try verifier.verify(body: request.body, signatureHeader: request.headers["x-pagerduty-signature"])
            } catch {
                throw HTTPResponseError(.unauthorized, "invalid_signature", "X-PagerDuty-Signature: \(error)")
            }
            let event: PagerDutyWebhookEvent
            do {
                event = try PagerDutyWebhookEvent(body: request.body)
            } catch {
                throw HTTPResponseError.badRequest("\(error)")
            }
            let now = Date().timeIntervalSince1970
            let delivery = request.headers["x-webhook-id"] ?? event.id
            guard incidentLoop.deliveries.isFirstDelivery(id: delivery, now: now) else {
                return .json(.accepted, ["status": "duplicate", "event_type": .string(event.eventType)])
            }
            incidentLoop.incidents.apply(event, now: now)
            var labeled = 0
            if let key = event.dedupKey, let (model, entity) = Self.parseDedupKey(key) {
                if event.kind == .resolved { incidentLoop.lifecycle.forget(dedupKey: key) }
                if event.kind == .triggered {
                    // A real incident confirms the predictions made for this entity within the horizon.
                    labeled = labelEntity(model: model, entity: entity, at: now, source: .pagerduty)
                }
            }
            return .json(
                .accepted,
                ["status": "recorded", "event_type": .string(event.eventType), "labeled": .number(Double(labeled))])
        }
        add(&router, .POST, "/v1/webhooks/alertmanager", role: .write) { [self] request, _, _ in
            let notification: AlertmanagerNotification
            do {
                notification = try AlertmanagerNotification(body: request.body)
            } catch let error as AlertmanagerWebhookError {
                throw HTTPResponseError(.badRequest, error.code, error.description)
            }
            let now = Date().timeIntervalSince1970
            var labeled = 0
            for alert in notification.firingAlerts {
                guard let entity = alert.labels[incidentLoop.entityLabel] else { continue }
                for model in registry.snapshot.models.keys {
                    labeled += labelEntity(model: model, entity: entity, at: now, source: .alertmanager)
                }
            }
            return .json(
                .ok,
                [
                    "alerts": .number(Double(notification.alerts.count)),
                    "firing": .number(Double(notification.firingAlerts.count)), "labeled": .number(Double(labeled)),
                ])
        }
        add(&router, .GET, "/v1/incidents", role: .read) { [self] _, _, _ in
            .json(.ok, ["incidents": incidentLoop.incidents.json()])
        }
        add(&router, .GET, "/v1/alerts/suppressed", role: .read) { [self] _, _, _ in
            .json(.ok, incidentLoop.suppressor.json())
        }
    }

    /// Labels an entity's predictions made within the model's horizon before `time` as failures.
    private func labelEntity(model: String, entity: String, at time: Double, source: OutcomeSource) -> Int {
        let horizon = registry.snapshot.models[model]?.serving?.manifest.horizonSeconds ?? 7 * 86_400
        let report = OutcomeReport(
            target: .entity(name: entity, from: time - horizon, to: time), label: 1, source: source)
        return recordOutcomes([report], model: model)
    }

    /// `riskd/<model>/<entity>` back into its parts.
    static func parseDedupKey(_ key: String) -> (String, String)? {
        let parts = key.split(separator: "/", maxSplits: 2)
        guard parts.count == 3, parts[0] == "riskd" else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// Pages or resolves for an entity after its risk was assessed from telemetry.
    func alert(model: ServableModel, entity: String, assessment: RiskAssessment, predictionID: String) {
        incidentLoop.observe(
            model: model.name, version: model.version, entity: entity, labels: entities.labels(entity: entity) ?? [:],
            assessment: assessment, predictionID: predictionID, now: Date().timeIntervalSince1970)
    }

    /// Once a minute: forget idle entities and fire retraining webhooks for drifted versions.
    func maintain() {
        entities.evictIdle()
        let now = Date().timeIntervalSince1970
        for observers in observers.all() {
            let report = observers.drift.report()
            let decision = observers.retraining.evaluate(report, now: now)
            guard decision.fire else { continue }
            logger.warning(
                "drift breached the retraining policy",
                [
                    "model": .string(report.model), "version": .string(report.version),
                    "reasons": .array(decision.reasons.map(JSONValue.string)),
                ])
            if let webhook = incidentLoop.retrainingWebhook {
                incidentLoop.enqueue(
                    webhook.event(
                        type: "retraining_requested", key: "retraining/\(report.model)",
                        data: [
                            "model": .string(report.model), "version": .string(report.version),
                            "reasons": .array(decision.reasons.map(JSONValue.string)), "drift": report.json(),
                        ]))
            }
        }
    }
}
