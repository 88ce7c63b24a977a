import Foundation
import JSON
import RiskdTesting
import Synchronization
import Testing

/// Two riskd processes on one real PostgreSQL: they compute the same risk whichever received the
/// telemetry, page once for a tier rise both see, and a replica killed mid-delivery loses no page.
@Suite struct SharedStateTests {
    typealias Restart = StateRestartTests

    static func points(_ values: [(metric: String, time: Double, value: Double)]) -> String {
        let items = values.map { #"{"metric": "\#($0.metric)", "timestamp": \#($0.time), "value": \#($0.value)}"# }
        return #"{"labels": {"cluster": "shared"}, "points": [\#(items.joined(separator: ","))]}"#
    }

    @Test func replicasAgreeAndPageOnce() throws {
        let pagerDuty = try FakeUpstream { _, _ in .respond(status: 202, body: #"{"status":"success"}"#) }
        defer { pagerDuty.stop() }
        let database = try TestPostgres.freshDatabaseURL()
        let repository = try Restart.repository()
        let a = try RiskdProcess(
            environment: try Restart.setup(pagerDuty: pagerDuty, repository: repository, stateURL: database).environment
        )
        let b = try RiskdProcess(
            environment: try Restart.setup(pagerDuty: pagerDuty, repository: repository, stateURL: database).environment
        )
        let now = Date().timeIntervalSince1970.rounded()
        let history = (0..<48).flatMap { hour -> [(String, Double, Double)] in
            let time = now - 60 - Double(47 - hour) * 3600
            return [("temp", time, 40 + Double(hour % 5) / 3), ("errors", time, 0)]
        }
        #expect(try Restart.post(a.port, "/v1/entities/e1/telemetry", Self.points(history)).status == 200)
        let onA = try Restart.risks(a.port, entities: ["e1"])
        let onB = try Restart.risks(b.port, entities: ["e1"])
        #expect(onA["e1"] != nil)
        #expect(onB == onA, "B computes from the telemetry A received")

        // The tier rise reaches A as telemetry and B as a read and more telemetry: one page in total.
        let raise = Self.points([("errors", now - 30, 2)])
        #expect(try Restart.post(a.port, "/v1/entities/e1/telemetry", raise).status == 200)
        #expect(try Restart.risks(b.port, entities: ["e1"])["e1"]?["tier"] == "L1")
        #expect(
            try Restart.post(b.port, "/v1/entities/e1/telemetry", Self.points([("errors", now - 25, 3)])).status == 200)
        // Telemetry that reached only B is in A's answer too.
        let bothAfter = try Restart.risks(a.port, entities: ["e1"])
        #expect(bothAfter["e1"]?["features"]?["b"] == 3, "errors = 3 was posted to B only")
        #expect(bothAfter == (try Restart.risks(b.port, entities: ["e1"])))
        #expect(pagerDuty.waitForRequests(count: 1, timeout: 10))
        Thread.sleep(forTimeInterval: 1)
        #expect(Restart.events(pagerDuty, action: "trigger", key: "riskd/disk/e1") == 1)
        #expect(pagerDuty.requests.count == 1)
    }

    @Test func killingTheDeliveringReplicaLosesNoPage() throws {
        let healthy = Atomic<Bool>(false)
        let pagerDuty = try FakeUpstream { _, _ in
            healthy.load(ordering: .acquiring) ? .respond(status: 202, body: #"{"status":"success"}"#) : .hang
        }
        defer { pagerDuty.stop() }
        let database = try TestPostgres.freshDatabaseURL()
        let repository = try Restart.repository()
        let a = try RiskdProcess(
            environment: try Restart.setup(pagerDuty: pagerDuty, repository: repository, stateURL: database).environment
        )
        let now = Date().timeIntervalSince1970.rounded()
        let entities = (0..<4).map { "k\($0)" }
        for entity in entities {
            let high = Self.points([("temp", now - 60, 40), ("errors", now - 60, 2)])
            #expect(try Restart.post(a.port, "/v1/entities/\(entity)/telemetry", high).status == 200)
        }
        // k0 recovers: its trigger must reach PagerDuty before its resolve.
        let low = Self.points([("errors", now - 50, 0)])
        #expect(try Restart.post(a.port, "/v1/entities/k0/telemetry", low).status == 200)
        #expect(pagerDuty.waitForRequests(count: 1, timeout: 10), "A is delivering, and PagerDuty hangs")

        let b = try RiskdProcess(
            environment: try Restart.setup(pagerDuty: pagerDuty, repository: repository, stateURL: database).environment
        )
        healthy.store(true, ordering: .releasing)
        a.signal(SIGKILL)
        #expect(a.waitForExit(timeout: 10) != nil)

        let deadline = Date().addingTimeInterval(30)
        func complete() -> Bool {
            entities.allSatisfy { Restart.events(pagerDuty, action: "trigger", key: "riskd/disk/\($0)") >= 1 }
                && Restart.events(pagerDuty, action: "resolve", key: "riskd/disk/k0") >= 1
        }
        while !complete(), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(complete(), "every event is delivered after A died: \(pagerDuty.requests.count) requests")
        let k0 = pagerDuty.requests.compactMap { request -> String? in
            guard let event = try? JSONParser().parse(request.body), event["dedup_key"] == "riskd/disk/k0" else {
                return nil
            }
            return event["event_action"]?.stringValue
        }
        let lastTrigger = try #require(k0.lastIndex(of: "trigger"))
        let firstResolve = try #require(k0.firstIndex(of: "resolve"))
        #expect(lastTrigger < firstResolve, "in order per dedup key: \(k0)")
        b.signal(SIGTERM)
        _ = b.waitForExit(timeout: 30)
    }
}
