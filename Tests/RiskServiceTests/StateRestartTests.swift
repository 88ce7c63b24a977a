import Crypto
import Foundation
import JSON
import RiskdTesting
import Testing

/// What a kill -9 must not lose with the embedded SQLite store: 30 days of windows, an open incident,
/// outcome labels and a webhook's delivery id. The real `riskd` binary is killed and restarted on the
/// same `--state-url`.
@Suite struct StateRestartTests {
    static let secret = "whsec-restart-0123456789"
    static let manifest = """
        {"task": "binary",
         "features": [{"name": "a", "metric": "temp", "aggregation": "mean", "window_seconds": 2592000},
                      {"name": "b", "metric": "errors", "aggregation": "last", "window_seconds": 3600},
                      {"name": "c", "metric": "temp", "aggregation": "delta", "window_seconds": 604800},
                      {"name": "d", "metric": "temp", "aggregation": "stddev", "window_seconds": 2592000}],
         "horizon_seconds": 604800,
         "tiers": {"l1": {"risk": 0.3}}}
        """

    struct Setup {
        let repository: TemporaryModelRepository
        let data: String
        let environment: [String: String]
    }

    static func repository() throws -> TemporaryModelRepository {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion(
            "disk", version: 1, features: ["a", "b", "c", "d"], coefficients: [0.01, 3, 0.05, 0.1], intercept: -3,
            manifest: manifest)
        return repository
    }

    static let immediatePolicy =
        #"{"suppression": {"cooldown_seconds": 0, "max_pages_per_window": 1000}, "pagerduty": {"hold_seconds": 0}}"#

    /// A data directory with PagerDuty's key and webhook secret and a policy (default: one that pages
    /// and resolves at once), and the environment of a riskd using it with `stateURL` (default: SQLite
    /// inside it).
    static func setup(
        pagerDuty: FakeUpstream, repository: TemporaryModelRepository? = nil, stateURL: String? = nil,
        policy: String = immediatePolicy
    ) throws -> Setup {
        let repository = try repository ?? Self.repository()
        let data = NSTemporaryDirectory() + "riskd-restart-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try Data("routing-key-0123456789abcdef".utf8).write(to: URL(fileURLWithPath: data + "/pd-key"))
        try Data("\(secret)\n".utf8).write(to: URL(fileURLWithPath: data + "/secrets"))
        try Data(policy.utf8).write(to: URL(fileURLWithPath: data + "/policy.json"))
        return Setup(
            repository: repository, data: data,
            environment: [
                "RISKD_MODELS_DIR": repository.root, "RISKD_DATA_DIR": data, "RISKD_CONFIG": data + "/policy.json",
                "RISKD_PAGERDUTY_URL": pagerDuty.baseURL, "RISKD_PAGERDUTY_ROUTING_KEY_FILE": data + "/pd-key",
                "RISKD_PAGERDUTY_WEBHOOK_SECRETS_FILE": data + "/secrets",
                "RISKD_STATE_URL": stateURL ?? "sqlite://\(data)/state/riskd.db",
            ])
    }

    static func post(_ port: Int, _ path: String, _ json: String, headers: [(String, String)] = []) throws
        -> TestHTTPResponse
    {
        try httpRequest(
            port: port, "POST", path, headers: [("Content-Type", "application/json")] + headers, body: Array(json.utf8))
    }

    /// 30 days of hourly temperature (with fractions that do not round-trip through decimal naively) and
    /// zero errors, ending a minute ago.
    static func history(entity index: Int, now: Double) -> String {
        var points: [String] = []
        for hour in 0..<720 {
            let time = now - 60 - Double(719 - hour) * 3600
            let temp = 40 + Double((hour * 7 + index * 13) % 23) / 3 + 0.1
            points.append(#"{"metric": "temp", "timestamp": \#(time), "value": \#(temp)}"#)
            points.append(#"{"metric": "errors", "timestamp": \#(time), "value": 0}"#)
        }
        return #"{"labels": {"cluster": "c\#(index)"}, "points": [\#(points.joined(separator: ","))]}"#
    }

    /// Features, risk and tier of every entity (prediction ids differ per call, so they are left out).
    static func risks(_ port: Int, entities: [String]) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for entity in entities {
            let response = try httpRequest(port: port, "GET", "/v1/entities/\(entity)/risk")
            #expect(response.status == 200, "\(entity): \(response.text)")
            guard case .array(let risks)? = try response.json()["risks"], let risk = risks.first else { continue }
            result[entity] = [
                "features": risk["features"] ?? .null, "risk": risk["prediction"]?["risk"] ?? .null,
                "tier": risk["prediction"]?["tier"] ?? .null,
            ]
        }
        return result
    }

    static func events(_ pagerDuty: FakeUpstream, action: String, key: String) -> Int {
        pagerDuty.requests.filter { request in
            guard let event = try? JSONParser().parse(request.body) else { return false }
            return event["event_action"]?.stringValue == action && event["dedup_key"]?.stringValue == key
        }.count
    }

    @Test func killDashNineLosesNothingAcknowledged() throws {
        let pagerDuty = try FakeUpstream { _, _ in .respond(status: 202, body: #"{"status":"success"}"#) }
        defer { pagerDuty.stop() }
        let setup = try Self.setup(pagerDuty: pagerDuty)
        let entities = (0..<50).map { "disk-\($0)" }
        let now = Date().timeIntervalSince1970.rounded()

        let first = try RiskdProcess(environment: setup.environment)
        for (index, entity) in entities.enumerated() {
            let response = try Self.post(
                first.port, "/v1/entities/\(entity)/telemetry", Self.history(entity: index, now: now))
            #expect(response.status == 200, "\(entity): \(response.text)")
        }
        // disk-0's errors jump: its risk crosses L1 and PagerDuty is paged.
        let raise = #"{"points": [{"metric": "errors", "timestamp": \#(now - 30), "value": 2}]}"#
        #expect(try Self.post(first.port, "/v1/entities/disk-0/telemetry", raise).status == 200)
        #expect(pagerDuty.waitForRequests(count: 1, timeout: 10))
        #expect(Self.events(pagerDuty, action: "trigger", key: "riskd/disk/disk-0") == 1)
        // Outcomes: ten healthy entities, and PagerDuty's own webhook confirming disk-0's incident.
        let outcomes = entities[1...10].map {
            #"{"entity": "\#($0)", "from": \#(now - 604_800), "to": \#(now + 3_600), "label": 0, "source": "api"}"#
        }
        let labeled = try Self.post(first.port, "/v1/outcomes", #"{"outcomes": [\#(outcomes.joined(separator: ","))]}"#)
        #expect(labeled.status == 200)
        #expect(try labeled.json()["labeled"]?.intValue ?? 0 >= 10)
        let webhook = """
            {"event": {"id": "evt-restart-1", "event_type": "incident.triggered", "resource_type": "incident",
             "occurred_at": "\(ISO8601DateFormatter().string(from: Date()))",
             "data": {"id": "PINC1", "type": "incident", "title": "disk", "status": "triggered",
                      "incident_key": "riskd/disk/disk-0"}}}
            """
        let signature =
            "v1=" + Hex.encode(Digest.hmacSHA256(key: Array(Self.secret.utf8), message: Array(webhook.utf8)))
        let delivered = try Self.post(
            first.port, "/v1/webhooks/pagerduty", webhook, headers: [("X-PagerDuty-Signature", signature)])
        #expect(delivered.status == 202)
        #expect(try delivered.json()["status"] == "recorded")

        let risksBefore = try Self.risks(first.port, entities: entities)
        let performanceBefore = try httpRequest(port: first.port, "GET", "/v1/models/disk/performance")
        #expect(performanceBefore.status == 200)
        #expect(risksBefore.count == 50)
        #expect(risksBefore["disk-0"]?["tier"] == "L1")
        first.signal(SIGKILL)
        #expect(first.waitForExit(timeout: 10) != nil)

        let second = try RiskdProcess(environment: setup.environment)
        defer {
            second.signal(SIGTERM)
            _ = second.waitForExit(timeout: 30)
        }
        let performanceAfter = try httpRequest(port: second.port, "GET", "/v1/models/disk/performance")
        #expect(try performanceAfter.json() == performanceBefore.json())
        guard case .array(let versions)? = try performanceAfter.json()["versions"] else {
            Issue.record("no versions in \(performanceAfter.text)")
            return
        }
        let labeledAfter = try #require(versions.first?["statistics"]?["labeled"]?.intValue)
        #expect(labeledAfter >= 11)
        // The outcome metrics come from the store's join too: the new process reports the labels made
        // before the kill (an in-memory join would start again at zero).
        let gauge = "riskd_model_labeled_predictions{model=\"disk\",version=\"1\"} \(labeledAfter)"
        var exposition = ""
        let metricsDeadline = Date().addingTimeInterval(15)
        while Date() < metricsDeadline {
            exposition = try httpRequest(port: second.port, "GET", "/metrics").text
            if exposition.contains(gauge) { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(exposition.contains(gauge), "\(gauge) not in /metrics")
        let risksAfter = try Self.risks(second.port, entities: entities)
        for entity in entities {
            #expect(risksAfter[entity] == risksBefore[entity], "\(entity)")
        }
        // The incident opened before the kill is still open: its risk falling resolves it exactly once.
        let lower = #"{"points": [{"metric": "errors", "timestamp": \#(now - 20), "value": 0}]}"#
        #expect(try Self.post(second.port, "/v1/entities/disk-0/telemetry", lower).status == 200)
        let deadline = Date().addingTimeInterval(10)
        while Self.events(pagerDuty, action: "resolve", key: "riskd/disk/disk-0") == 0, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(try Self.post(second.port, "/v1/entities/disk-0/telemetry", lower).status == 200)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(Self.events(pagerDuty, action: "resolve", key: "riskd/disk/disk-0") == 1)
        #expect(Self.events(pagerDuty, action: "trigger", key: "riskd/disk/disk-0") == 1)
        // The webhook delivered before the kill is recognised when replayed.
        let replayed = try Self.post(
            second.port, "/v1/webhooks/pagerduty", webhook, headers: [("X-PagerDuty-Signature", signature)])
        #expect(replayed.status == 202)
        #expect(try replayed.json()["status"] == "duplicate")
    }
}
