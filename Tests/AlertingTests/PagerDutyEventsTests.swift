import Alerting
import JSON
import Storage
import Testing

@Suite struct PagerDutyEventsTests {
    let events = PagerDutyEvents(
        configuration: .init(routingKey: "R0123456789abcdef0123456789abcd", baseURL: "http://127.0.0.1:9/"))

    private func parse(_ event: OutboxEvent) throws -> JSONValue {
        try JSONParser().parse(event.body)
    }

    @Test func dedupKeyIsStablePerModelAndEntity() {
        #expect(PagerDutyEvents.dedupKey(model: "disk", entity: "node-7") == "riskd/disk/node-7")
        #expect(
            PagerDutyEvents.dedupKey(model: "disk", entity: "node-7")
                != PagerDutyEvents.dedupKey(model: "disk", entity: "node-8"))
    }

    @Test func longDedupKeyIsCutTo255BytesOnAScalarBoundaryWithAHashSuffix() {
        let key = PagerDutyEvents.dedupKey(model: "m", entity: String(repeating: "é", count: 300))
        #expect(key.utf8.count <= 255)
        #expect(key.utf8.count >= 254)
        #expect(key.hasPrefix("riskd/m/é"))
        #expect(key.utf8.suffix(17).first == UInt8(ascii: "~"))
        #expect(key.unicodeScalars.dropLast(17).last == "é")
        #expect(key == PagerDutyEvents.dedupKey(model: "m", entity: String(repeating: "é", count: 300)))
    }

    @Test func longEntitiesSharingAPrefixNeverShareAPage() {
        // 250-byte ids that differ only after byte 240: a plain cut at 255 bytes made them one alert.
        let prefix = String(repeating: "disk-serial-", count: 20)
        let ids = (0..<50).map { prefix + String(format: "%010d", $0) }
        let keys = ids.map { PagerDutyEvents.dedupKey(model: "disk-failure", entity: $0) }
        #expect(Set(keys).count == ids.count)
        #expect(keys.allSatisfy { $0.utf8.count <= PagerDutyEvents.maxDedupKeyLength })
        // Short keys stay readable and unchanged.
        #expect(PagerDutyEvents.dedupKey(model: "disk-failure", entity: "sda") == "riskd/disk-failure/sda")
    }

    @Test func triggerCarriesAllFields() throws {
        let payload = PagerDutyAlertPayload(
            summary: "High failure risk", source: "node-7", severity: .critical, timestamp: "2026-01-02T03:04:05Z",
            component: "disk", group: "cluster-a", eventClass: "failure_risk", customDetails: ["risk": 0.93])
        let event = events.trigger(dedupKey: "riskd/disk/node-7", payload: payload)
        #expect(event.url == "http://127.0.0.1:9/v2/enqueue")
        #expect(event.key == "riskd/disk/node-7")
        #expect(event.headers["Content-Type"] == "application/json")
        let json = try parse(event)
        #expect(json["routing_key"] == "R0123456789abcdef0123456789abcd")
        #expect(json["event_action"] == "trigger")
        #expect(json["dedup_key"] == "riskd/disk/node-7")
        let body = try #require(json["payload"])
        #expect(body["summary"] == "High failure risk")
        #expect(body["source"] == "node-7")
        #expect(body["severity"] == "critical")
        #expect(body["timestamp"] == "2026-01-02T03:04:05Z")
        #expect(body["component"] == "disk")
        #expect(body["group"] == "cluster-a")
        #expect(body["class"] == "failure_risk")
        #expect(body["custom_details"]?["risk"] == 0.93)
    }

    @Test func optionalFieldsAreOmitted() throws {
        let payload = PagerDutyAlertPayload(summary: "s", source: "src", severity: .info)
        let body = try #require(try parse(events.trigger(dedupKey: "k", payload: payload))["payload"]?.objectValue)
        #expect(body.keys == ["summary", "source", "severity"])
    }

    @Test(arguments: [PagerDutyEvents.Action.acknowledge, .resolve])
    func followUpsCarryOnlyKeyAndAction(action: PagerDutyEvents.Action) throws {
        let event = action == .resolve ? events.resolve(dedupKey: "k") : events.acknowledge(dedupKey: "k")
        let json = try #require(try parse(event).objectValue)
        #expect(json.keys.sorted() == ["dedup_key", "event_action", "routing_key"])
        #expect(json["event_action"] == .string(action.rawValue))
    }

    @Test func summaryIsCutTo1024ScalarsWithoutSplittingUTF8() throws {
        let long = String(repeating: "ü", count: 1500)
        let payload = PagerDutyAlertPayload(summary: long, source: "s", severity: .warning)
        let summary = try #require(
            try parse(events.trigger(dedupKey: "k", payload: payload))["payload"]?["summary"]?.stringValue)
        #expect(summary.unicodeScalars.count == 1024)
        #expect(summary.hasSuffix("…"))
        #expect(summary.dropLast().allSatisfy { $0 == "ü" })
    }

    @Test func summaryOfExactly1024IsKept() throws {
        let exact = String(repeating: "a", count: 1024)
        let payload = PagerDutyAlertPayload(summary: exact, source: "s", severity: .error)
        #expect(try parse(events.trigger(dedupKey: "k", payload: payload))["payload"]?["summary"] == .string(exact))
    }
}
