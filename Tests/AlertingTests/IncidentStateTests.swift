import Alerting
import Testing

@Suite struct IncidentStateTests {
    private func webhook(_ type: String, key: String?) throws -> PagerDutyWebhookEvent {
        let keyField = key.map { #","incident_key":"\#($0)""# } ?? ""
        let body =
            #"{"event":{"id":"e","event_type":"\#(type)","occurred_at":"t","data":{"id":"P1","title":"T"\#(keyField)}}}"#
        return try PagerDutyWebhookEvent(body: Array(body.utf8))
    }

    @Test func webhooksOpenAcknowledgeAndClose() throws {
        let state = IncidentState()
        state.apply(try webhook("incident.triggered", key: "riskd/m/e"), now: 1)
        #expect(state.isOpen(dedupKey: "riskd/m/e"))
        #expect(state.incident(dedupKey: "riskd/m/e")?.incidentID == "P1")
        state.apply(try webhook("incident.acknowledged", key: "riskd/m/e"), now: 2)
        #expect(state.incident(dedupKey: "riskd/m/e")?.status == "acknowledged")
        #expect(state.incident(dedupKey: "riskd/m/e")?.openedAt == 1)
        state.apply(try webhook("incident.annotated", key: "riskd/m/e"), now: 3)
        #expect(state.isOpen(dedupKey: "riskd/m/e"))
        state.apply(try webhook("incident.resolved", key: "riskd/m/e"), now: 4)
        #expect(!state.isOpen(dedupKey: "riskd/m/e"))
    }

    @Test func webhookWithoutKeyIsIgnored() throws {
        let state = IncidentState()
        state.apply(try webhook("incident.triggered", key: nil), now: 1)
        #expect(state.count == 0)
    }

    @Test func boundedByEvictingTheOldest() throws {
        let state = IncidentState(maxEntries: 2)
        state.open(dedupKey: "a", status: "triggered", at: 1)
        state.open(dedupKey: "b", status: "triggered", at: 2)
        state.open(dedupKey: "c", status: "triggered", at: 3)
        #expect(state.count == 2)
        #expect(!state.isOpen(dedupKey: "a"))
        let open = try #require(state.json()["open"]?.arrayValue)
        #expect(open.map { $0["dedup_key"] } == ["b", "c"])
    }
}
