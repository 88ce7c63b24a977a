import Alerting
import JSON
import RiskdTesting
import Testing

/// End to end: lifecycle decisions become Events v2 requests that reach a local fake PagerDuty in order.
@Suite struct PagerDutyDeliveryTests {
    @Test func triggerEscalationAndResolveArriveInOrder() throws {
        let fixture = OutboxFixture()
        let pagerDuty = try FakeUpstream { _, index in
            // The first attempt of the first event is rate-limited; order must still hold.
            index == 0 ? .respond(status: 429, body: "{}") : .respond(status: 202, body: #"{"status":"success"}"#)
        }
        defer { pagerDuty.stop() }
        let events = PagerDutyEvents(configuration: .init(routingKey: "routing-key", baseURL: pagerDuty.baseURL))
        var lifecycleConfiguration = IncidentLifecycle.Configuration()
        lifecycleConfiguration.holdSeconds = 10
        let lifecycle = IncidentLifecycle(configuration: lifecycleConfiguration)
        let outbox = try fixture.outbox()
        outbox.start()
        defer { outbox.stop(timeout: 5) }

        let dedupKey = PagerDutyEvents.dedupKey(model: "disk", entity: "node-7")
        let observations: [(Double, AlertTier, Double)] = [
            (0.6, .l1, 0), (0.95, .l3, 1), (0.1, .none, 2), (0.1, .none, 12),
        ]
        for (risk, tier, now) in observations {
            switch lifecycle.observe(dedupKey: dedupKey, risk: risk, tier: tier, now: now) {
            case .trigger(let tier):
                let payload = PagerDutyAlertPayload(
                    summary: "failure risk \(risk) (\(tier.name))", source: "node-7",
                    severity: tier == .l3 ? .critical : .warning)
                try outbox.enqueue(events.trigger(dedupKey: dedupKey, payload: payload))
            case .resolve:
                try outbox.enqueue(events.resolve(dedupKey: dedupKey))
            case .none:
                break
            }
        }
        #expect(eventually { outbox.pendingCount == 0 })
        let received = try pagerDuty.requests.map { try JSONParser().parse($0.body) }
        #expect(pagerDuty.requests.allSatisfy { $0.path == "/v2/enqueue" })
        #expect(received.map { $0["event_action"] } == ["trigger", "trigger", "trigger", "resolve"])
        #expect(received.map { $0["payload"]?["severity"] } == ["warning", "warning", "critical", nil])
        #expect(received.allSatisfy { $0["dedup_key"] == .string(dedupKey) })
    }
}
