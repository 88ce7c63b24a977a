import JSON
import Testing

@testable import Monitoring

@Suite struct OutcomeReportTests {
    private func decode(_ text: String) throws -> OutcomeReport {
        try OutcomeReport(json: try JSONParser().parse(text))
    }

    private func errorPath(_ text: String) throws -> String? {
        do {
            _ = try decode(text)
            return nil
        } catch let error as JSONDecodingError {
            return error.path
        }
    }

    @Test func decodesBothTargetsAndApplies() throws {
        let tracker = OutcomeTracker(model: "m", version: "1", tiers: [TierThreshold(name: "l1", risk: 0.3)])
        tracker.recordPrediction(id: "p1", entity: "disk-9", risk: 0.4, tier: "l1", time: 100)
        tracker.recordPrediction(id: "p2", entity: "disk-9", risk: 0.4, tier: "l1", time: 150)
        let byID = try decode(#"{"prediction_id":"p1","label":1}"#)
        #expect(byID.source == .api && byID.apply(to: tracker, now: 200) == 1)
        let byEntity = try decode(#"{"entity":"disk-9","from":0,"to":200,"label":0,"source":"alertmanager"}"#)
        #expect(byEntity.target == .entity(name: "disk-9", from: 0, to: 200))
        #expect(byEntity.apply(to: tracker, now: 200) == 1)
        #expect(tracker.outcomeCounts() == [.api: 1, .alertmanager: 1])
    }

    @Test func errorsNameTheField() throws {
        #expect(try errorPath(#"{"prediction_id":"p","label":2}"#) == "label")
        #expect(try errorPath(#"{"prediction_id":"p","label":1,"source":"email"}"#) == "source")
        #expect(try errorPath(#"{"label":1}"#) == "")
        #expect(try errorPath(#"{"entity":"e","from":5,"to":1,"label":1}"#) == "to")
        #expect(try errorPath(#"{"entity":"e","from":5,"label":1}"#) == "to")
    }
}
