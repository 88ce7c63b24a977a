import Foundation
import JSON
import RiskdTesting
import Testing

/// Suppression state lives in the state store: a group's cooldown and its held pages survive a kill -9
/// with SQLite, and replicas on one PostgreSQL page a group once per cooldown and send each digest once.
@Suite struct SuppressionStateTests {
    typealias Restart = StateRestartTests
    static let cooldown = 10.0
    static let policy =
        #"{"suppression": {"cooldown_seconds": \#(cooldown), "max_pages_per_window": 1000}, "pagerduty": {"hold_seconds": 0}}"#

    /// One batch that raises an entity of the `shared` cluster to L1.
    static func raise(_ now: Double) -> String {
        SharedStateTests.points([("temp", now - 60, 40), ("errors", now - 60, 2)])
    }

    /// The trigger events PagerDuty received, as (dedup key, entities a digest names).
    static func triggers(_ pagerDuty: FakeUpstream) -> [(key: String, entities: [String])] {
        pagerDuty.requests.compactMap { request in
            guard let event = try? JSONParser().parse(request.body), event["event_action"] == "trigger",
                let key = event["dedup_key"]?.stringValue
            else { return nil }
            let named = event["payload"]?["custom_details"]?["entities"]?.arrayValue ?? []
            return (key, named.compactMap { $0["entity"]?.stringValue })
        }
    }

    /// Waits (bounded) until PagerDuty has `count` triggers, then a moment longer for any extra one.
    static func awaitTriggers(_ pagerDuty: FakeUpstream, count: Int, timeout: Double) -> [(
        key: String, entities: [String]
    )] {
        let deadline = Date().addingTimeInterval(timeout)
        while triggers(pagerDuty).count < count, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 2)
        return triggers(pagerDuty)
    }

    @Test func aCooldownAndItsHeldPagesSurviveKillDashNine() throws {
        let pagerDuty = try FakeUpstream { _, _ in .respond(status: 202, body: #"{"status":"success"}"#) }
        defer { pagerDuty.stop() }
        let setup = try Restart.setup(pagerDuty: pagerDuty, policy: Self.policy)
        let now = Date().timeIntervalSince1970.rounded()
        let first = try RiskdProcess(environment: setup.environment)
        #expect(try Restart.post(first.port, "/v1/entities/e1/telemetry", Self.raise(now)).status == 200)
        let paged = Date()
        #expect(try Restart.post(first.port, "/v1/entities/e2/telemetry", Self.raise(now)).status == 200)
        #expect(pagerDuty.waitForRequests(count: 1, timeout: 5))
        first.signal(SIGKILL)
        #expect(first.waitForExit(timeout: 10) != nil)

        let second = try RiskdProcess(environment: setup.environment)
        defer {
            second.signal(SIGTERM)
            _ = second.waitForExit(timeout: 30)
        }
        #expect(try Restart.post(second.port, "/v1/entities/e3/telemetry", Self.raise(now)).status == 200)
        try #require(Date().timeIntervalSince(paged) < Self.cooldown - 2, "the restart outlasted the cooldown")
        Thread.sleep(forTimeInterval: 1.5)  // a digest tick: its state comes from the store too
        let held = try httpRequest(port: second.port, "GET", "/v1/alerts/suppressed").json()
        let deferred = Set(held["deferred"]?.arrayValue?.compactMap { $0["entity"]?.stringValue } ?? [])
        #expect(deferred == ["e2", "e3"], "e2 held before the kill, e3 held by the remembered cooldown")
        // (A trigger delivered just before the kill may be delivered again: at least once.)
        #expect(Set(Self.triggers(pagerDuty).map(\.key)) == ["riskd/disk/e1"])

        // Once the cooldown is over, one digest names both held entities.
        let deadline = Date().addingTimeInterval(Self.cooldown + 10)
        func digests() -> [(key: String, entities: [String])] {
            Self.triggers(pagerDuty).filter { $0.key.hasPrefix("riskd-digest/") }
        }
        while digests().isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 2)
        #expect(digests().count == 1, "\(digests())")
        #expect(Set(digests().first?.entities ?? []) == ["e2", "e3"])
        #expect(Set(Self.triggers(pagerDuty).map(\.key)).count == 2, "e1's page and the digest, nothing else")
    }

    @Test func replicasOnOnePostgresPageAGroupOncePerCooldownAndSendItsDigestOnce() throws {
        let pagerDuty = try FakeUpstream { _, _ in .respond(status: 202, body: #"{"status":"success"}"#) }
        defer { pagerDuty.stop() }
        let database = try TestPostgres.freshDatabaseURL()
        let repository = try Restart.repository()
        let replicas = try (0..<2).map { _ in
            try RiskdProcess(
                environment: try Restart.setup(
                    pagerDuty: pagerDuty, repository: repository, stateURL: database, policy: Self.policy
                ).environment)
        }
        defer {
            for replica in replicas {
                replica.signal(SIGTERM)
                _ = replica.waitForExit(timeout: 30)
            }
        }
        let now = Date().timeIntervalSince1970.rounded()
        let entities = (0..<6).map { "g\($0)" }
        let ports = replicas.map(\.port)
        // Every entity of the group rises at once, half on each replica.
        DispatchQueue.concurrentPerform(iterations: entities.count) { index in
            let status = try? Restart.post(
                ports[index % 2], "/v1/entities/\(entities[index])/telemetry", Self.raise(now)
            ).status
            #expect(status == 200, "\(entities[index])")
        }
        let first = Self.awaitTriggers(pagerDuty, count: 1, timeout: 5)
        #expect(first.count == 1, "one page for the group across both replicas: \(first.map(\.key))")
        let paged = first.first.map { String($0.key.dropFirst("riskd/disk/".count)) }

        // After the cooldown, exactly one replica sends the digest naming every other entity.
        let sent = Self.awaitTriggers(pagerDuty, count: 2, timeout: Self.cooldown + 10)
        #expect(sent.count == 2, "\(sent.map(\.key))")
        #expect(sent.last?.key.hasPrefix("riskd-digest/") == true)
        #expect(Set(sent.last?.entities ?? []) == Set(entities).subtracting([paged ?? ""]))
    }
}
