import Alerting
import Foundation
import HTTPCore
import JSON
import Monitoring
import Registry
import RiskCore
import TimeFormat

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
            try requireFresh(event, now: now)
            // Keyed on the signed event id: the X-Webhook-Id header is not signed, so a captured event
            // replayed under a new header would otherwise be applied again.
            guard try isFirstDelivery(event.id, now: now) else {
                return .json(.accepted, ["status": "duplicate", "event_type": .string(event.eventType)])
            }
            incidentLoop.incidents.apply(event, now: now)
            var labeled = 0
            if let key = event.dedupKey, event.kind == .resolved {
                incidentLoop.closedInPagerDuty(key)
                try forgetStoredIncident(key)
            }
            if let key = event.dedupKey, let (model, entity) = Self.parseDedupKey(key) {
                if event.kind == .triggered {
                    // A real incident confirms the predictions made for this entity within the horizon.
                    labeled = try labelEntity(model: model, entity: entity, at: now, source: .pagerduty)
                }
            }
            return .json(
                .accepted,
                ["status": "recorded", "event_type": .string(event.eventType), "labeled": .number(Double(labeled))])
        }
        add(&router, .POST, "/v1/webhooks/alertmanager", role: .write, blocking: true) { [self] request, _, _ in
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
                    labeled += try labelEntity(model: model, entity: entity, at: now, source: .alertmanager)
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

    /// Replay protection: the signed `occurred_at` must lie within the tolerance window around now (the
    /// dedup memory outlives the window, so a replay inside it is caught as a duplicate instead).
    private func requireFresh(_ event: PagerDutyWebhookEvent, now: Double) throws(HTTPResponseError) {
        guard let occurred = UTCDateTime(rfc3339: event.occurredAt)?.unixSeconds else {
            throw HTTPResponseError.badRequest("event.occurred_at: not an RFC 3339 time: \(event.occurredAt)")
        }
        let (maxAge, maxFuture) = (incidentLoop.webhookMaxAge, incidentLoop.webhookMaxFuture)
        guard occurred >= now - maxAge, occurred <= now + maxFuture else {
            throw HTTPResponseError(
                .unprocessableContent, "webhook_expired",
                "event.occurred_at \(event.occurredAt) is outside the accepted window (\(Int(maxAge)) s before to "
                    + "\(Int(maxFuture)) s after the server clock); a stale or replayed event is not applied")
        }
    }

    /// Labels an entity's predictions made within the model's horizon before `time` as failures.
    private func labelEntity(model: String, entity: String, at time: Double, source: OutcomeSource)
        throws(HTTPResponseError) -> Int
    {
        let horizon = registry.snapshot.models[model]?.serving?.manifest.horizonSeconds ?? 7 * 86_400
        let report = OutcomeReport(
            target: .entity(name: entity, from: time - horizon, to: time), label: 1, source: source)
        return try recordOutcomes([report], model: model)
    }

    /// `riskd/<model>/<entity>` back into its parts.
    static func parseDedupKey(_ key: String) -> (String, String)? {
        let parts = key.split(separator: "/", maxSplits: 2)
        guard parts.count == 3, parts[0] == "riskd" else { return nil }
        return (String(parts[1]), String(parts[2]))
    }

    /// Pages or resolves for an entity after its risk was assessed from telemetry. A page that cannot be
    /// stored fails the request (503) and leaves no incident state behind.
    func alert(model: String, version: Int?, entity: String, assessment: RiskAssessment, predictionID: String)
        throws(HTTPResponseError)
    {
        // The decision and its page commit together in the state store (the transactional outbox).
        try decideIncident(
            model: model, version: version, entity: entity, assessment: assessment, predictionID: predictionID)
    }

    /// Runs a durable write; its failure becomes 503 `storage_unavailable` (or `outbox_full`).
    static func storing(_ write: () throws(OutboxError) -> Void) throws(HTTPResponseError) {
        do {
            try write()
        } catch .full(let capacity) {
            throw HTTPResponseError(
                .serviceUnavailable, "outbox_full", "\(capacity) pages wait for delivery; nothing was recorded")
        } catch {
            throw HTTPResponseError(
                .serviceUnavailable, "storage_unavailable",
                "a page could not be stored durably (\(error)); nothing was recorded, retry later")
        }
    }

    /// Once a minute: forget idle entities and fire retraining webhooks for drifted versions.
    func maintain() {
        entities.evictIdle()
        let now = Date().timeIntervalSince1970
        pruneState(now: now)
        for observers in observers.all() {
            let report = observers.drift.report()
            let decision = observers.retraining.evaluate(report, now: now)
            guard decision.fire else { continue }
            observers.retrainingRequests.increment()
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
