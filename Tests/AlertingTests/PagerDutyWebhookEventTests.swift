import Alerting
import Testing

@Suite struct PagerDutyWebhookEventTests {
    static let triggered = Array(
        #"""
        {"event":{"id":"5ac64822-4adc-4fda-ade0-410becf0de4f","event_type":"incident.triggered","resource_type":"incident",
         "occurred_at":"2020-10-02T18:45:22.169Z","agent":null,"client":{"name":"PagerDuty"},
         "data":{"id":"PGR0VU2","type":"incident","number":2,"status":"triggered",
          "incident_key":"riskd/disk/node-7","title":"A little bump in the road","resolve_reason":null}}}
        """#.utf8)

    @Test func parsesIncidentTriggered() throws {
        let event = try PagerDutyWebhookEvent(body: Self.triggered)
        #expect(event.id == "5ac64822-4adc-4fda-ade0-410becf0de4f")
        #expect(event.kind == .triggered)
        #expect(event.resourceType == "incident")
        #expect(event.occurredAt == "2020-10-02T18:45:22.169Z")
        #expect(event.incidentID == "PGR0VU2")
        #expect(event.dedupKey == "riskd/disk/node-7")
        #expect(event.title == "A little bump in the road")
        #expect(event.status == "triggered")
    }

    @Test(arguments: [
        ("incident.acknowledged", PagerDutyWebhookEvent.Kind.acknowledged),
        ("incident.resolved", .resolved), ("incident.annotated", .other("incident.annotated")),
        ("pagey.ping", .other("pagey.ping")),
    ])
    func eventTypes(type: String, kind: PagerDutyWebhookEvent.Kind) throws {
        let body = #"{"event":{"id":"1","event_type":"\#(type)","occurred_at":"2025-04-07T03:00:55Z","data":{}}}"#
        #expect(try PagerDutyWebhookEvent(body: Array(body.utf8)).kind == kind)
    }

    @Test func dedupKeyFieldIsAcceptedWhenIncidentKeyIsAbsent() throws {
        let body = #"{"event":{"id":"1","event_type":"incident.resolved","occurred_at":"t","data":{"dedup_key":"k"}}}"#
        #expect(try PagerDutyWebhookEvent(body: Array(body.utf8)).dedupKey == "k")
    }

    @Test(arguments: ["", "[]", "{}", #"{"event":{"id":1}}"#, #"{"event":{"id":"1","event_type":"x"}}"#, "{"])
    func malformedPayloadsAreRejected(body: String) {
        #expect {
            try PagerDutyWebhookEvent(body: Array(body.utf8))
        } throws: { error in
            guard case .invalidPayload = error as? PagerDutyWebhookError else { return false }
            return true
        }
    }
}
