import Crypto
import Foundation
import HTTPCore
import JSON
import RiskdTesting
import Testing

@Suite struct IncidentRoutesTests {
    static let secret = "whsec-test-0123456789"

    /// riskd with PagerDuty pointed at a local fake that accepts every event.
    func running(_ pagerDuty: FakeUpstream) throws -> RunningService {
        let directory = NSTemporaryDirectory() + "riskd-secrets-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("routing-key-0123456789abcdef\n".utf8).write(to: URL(fileURLWithPath: directory + "/key"))
        try Data("old-secret\n\(Self.secret)\n".utf8).write(to: URL(fileURLWithPath: directory + "/secrets"))
        return try RunningService(policy: #"{"suppression": {"cooldown_seconds": 0}}"#) {
            $0.pagerDutyURL = pagerDuty.baseURL
            $0.pagerDutyRoutingKeyFile = directory + "/key"
            $0.pagerDutyWebhookSecretsFile = directory + "/secrets"
        }
    }

    func signature(_ body: String, secret: String = Self.secret) -> String {
        "v1=" + Hex.encode(Digest.hmacSHA256(key: Array(secret.utf8), message: Array(body.utf8)))
    }

    /// A v3 webhook body that occurred `age` seconds ago (the route accepts 300 s past to 60 s ahead).
    func webhook(_ kind: String, key: String, id: String = "01ABC", age: Double = 0) -> String {
        """
        {"event": {"id": "\(id)", "event_type": "incident.\(kind)", "resource_type": "incident",
         "occurred_at": "\(ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: -age)))",
         "data": {"id": "PINC1", "type": "incident", "title": "disk", "status": "\(kind)", "incident_key": "\(key)"}}}
        """
    }

    @Test func risingTierPagesPagerDutyThroughTheOutbox() throws {
        let pagerDuty = try FakeUpstream { _, _ in .respond(status: 202, body: #"{"status":"success"}"#) }
        defer { pagerDuty.stop() }
        let running = try running(pagerDuty)
        // b = 3 makes the linear model's risk high: the entity rises from none to a tier.
        let response = try running.request(
            "POST", "/v1/entities/host-9/telemetry",
            json:
                #"{"labels": {"cluster": "eu"}, "points": [{"metric": "temp", "timestamp": 100, "value": 3}, {"metric": "errors", "timestamp": 100, "value": 3}]}"#
        )
        #expect(response.status == 200)
        let tier = try response.json()["risks"]?.arrayValue?.first?["prediction"]?["tier"]?.stringValue
        #expect(tier == "L1" || tier == "L3")
        #expect(pagerDuty.waitForRequests(count: 1, timeout: 10))
        let event = try JSONParser().parse(try #require(pagerDuty.requests.first).body)
        #expect(event["event_action"] == "trigger")
        #expect(event["routing_key"] == "routing-key-0123456789abcdef")
        #expect(event["dedup_key"] == "riskd/disk/host-9")
        #expect(event["payload"]?["source"] == "host-9")
        #expect(event["payload"]?["custom_details"]?["model_version"] == "1")
        #expect(pagerDuty.requests.first?.path == "/v2/enqueue")
        // The same tier again does not page twice.
        _ = try running.request(
            "POST", "/v1/entities/host-9/telemetry",
            json: #"{"points": [{"metric": "errors", "timestamp": 160, "value": 3}]}"#)
        #expect(!pagerDuty.waitForRequests(count: 2, timeout: 0.5))
    }

    @Test func pagerDutyWebhooksAreVerifiedDeduplicatedAndLabelOutcomes() throws {
        let pagerDuty = try FakeUpstream { _, _ in .respond(status: 202, body: "{}") }
        defer { pagerDuty.stop() }
        let running = try running(pagerDuty)
        let predict = try running.request(
            "POST", "/v1/models/disk/predict",
            json: #"{"instances": [{"features": {"a": 0, "b": 0}, "entity": "host-1"}]}"#)
        #expect(predict.status == 200)
        let body = webhook("triggered", key: "riskd/disk/host-1")

        let unsigned = try running.request("POST", "/v1/webhooks/pagerduty", json: body)
        #expect(unsigned.status == 401)
        let forged = try running.request(
            "POST", "/v1/webhooks/pagerduty", json: body,
            headers: [("X-PagerDuty-Signature", signature(body, secret: "wrong"))])
        #expect(forged.status == 401)
        #expect(try running.request("GET", "/v1/incidents").json()["incidents"] != nil)

        // Several signatures during rotation: one valid is enough.
        let headers = [
            ("X-PagerDuty-Signature", "v1=00ff, " + signature(body)), ("X-Webhook-Id", "delivery-1"),
        ]
        let first = try running.request("POST", "/v1/webhooks/pagerduty", json: body, headers: headers)
        #expect(first.status == 202)
        #expect(try first.json()["status"] == "recorded")
        #expect(try first.json()["labeled"] == 1)
        let again = try running.request("POST", "/v1/webhooks/pagerduty", json: body, headers: headers)
        #expect(try again.json()["status"] == "duplicate")
        let incidents = try running.request("GET", "/v1/incidents").text
        #expect(incidents.contains("riskd/disk/host-1"))
        let statistics = try running.request("GET", "/v1/models/disk/performance").json()
        let outcomes = statistics["versions"]?.arrayValue?.first?["statistics"]
        #expect(outcomes != nil)
    }

    @Test func aReplayedSignedWebhookIsADuplicateAndAStaleOneIsRejected() throws {
        let pagerDuty = try FakeUpstream { _, _ in .respond(status: 202, body: "{}") }
        defer { pagerDuty.stop() }
        let running = try running(pagerDuty)
        let key = "riskd/disk/host-5"
        func post(_ body: String, delivery: String) throws -> TestHTTPResponse {
            try running.request(
                "POST", "/v1/webhooks/pagerduty", json: body,
                headers: [("X-PagerDuty-Signature", signature(body)), ("X-Webhook-Id", delivery)])
        }
        let triggered = webhook("triggered", key: key, id: "EVT-TRIGGER")
        #expect(try post(triggered, delivery: "d-1").json()["status"] == "recorded")
        #expect(try post(webhook("resolved", key: key, id: "EVT-RESOLVE"), delivery: "d-2").status == 202)
        #expect(try !running.request("GET", "/v1/incidents").text.contains(key))
        // An attacker replays the captured, correctly signed trigger under a fresh delivery id.
        let replay = try post(triggered, delivery: "d-3-forged")
        #expect(replay.status == 202)
        #expect(try replay.json()["status"] == "duplicate")
        #expect(try !running.request("GET", "/v1/incidents").text.contains(key))
        // So a real rise of the entity's risk still pages (it is not "inhibited" by a fake open incident).
        let now = Date().timeIntervalSince1970
        let telemetry = try running.request(
            "POST", "/v1/entities/host-5/telemetry",
            json:
                #"{"points": [{"metric": "temp", "timestamp": \#(now), "value": 3}, {"metric": "errors", "timestamp": \#(now), "value": 3}]}"#
        )
        #expect(telemetry.status == 200)
        #expect(pagerDuty.waitForRequests(count: 1, timeout: 10))
        #expect(try JSONParser().parse(try #require(pagerDuty.requests.first).body)["dedup_key"] == .string(key))

        // Outside the tolerance window (300 s past, 60 s ahead): rejected, nothing recorded.
        for age in [600.0, -300.0] {
            let stale = try post(
                webhook("triggered", key: "riskd/disk/host-6", id: "EVT-\(age)", age: age), delivery: "d-\(age)")
            #expect(stale.status == 422)
            #expect(try stale.json()["error"]?["code"] == "webhook_expired")
        }
        #expect(try !running.request("GET", "/v1/incidents").text.contains("host-6"))
    }

    @Test func alertmanagerFiringAlertsLabelTheirEntity() throws {
        let running = try RunningService()
        _ = try running.request(
            "POST", "/v1/models/disk/predict",
            json: #"{"instances": [{"features": {"a": 0, "b": 0}, "entity": "node-4"}]}"#)
        let payload = """
            {"version": "4", "groupKey": "{}:{alertname=\\"DiskFailing\\"}", "truncatedAlerts": 0, "status": "firing",
             "receiver": "riskd", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am",
             "alerts": [{"status": "firing", "labels": {"alertname": "DiskFailing", "entity": "node-4"},
                         "annotations": {}, "startsAt": "2026-11-22T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                         "generatorURL": "http://prom", "fingerprint": "abc"}]}
            """
        let response = try running.request("POST", "/v1/webhooks/alertmanager", json: payload)
        #expect(response.status == 200, "\(response.text)")
        #expect(try response.json()["labeled"] == 1)
        let wrong = try running.request(
            "POST", "/v1/webhooks/alertmanager",
            json: payload.replacingOccurrences(of: #""version": "4""#, with: #""version": "3""#))
        #expect(wrong.status == 400)
    }
}
