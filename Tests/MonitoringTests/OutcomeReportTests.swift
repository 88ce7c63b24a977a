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

    @Test func decodesBothTargets() throws {
        let byID = try decode(#"{"prediction_id":"p1","label":1}"#)
        #expect(byID.target == .prediction(id: "p1") && byID.label == 1 && byID.source == .api)
        let byEntity = try decode(#"{"entity":"disk-9","from":0,"to":200,"label":0,"source":"alertmanager"}"#)
        #expect(byEntity.target == .entity(name: "disk-9", from: 0, to: 200))
        #expect(byEntity.label == 0 && byEntity.source == .alertmanager)
    }

    @Test func errorsNameTheField() throws {
        #expect(try errorPath(#"{"prediction_id":"p","label":2}"#) == "label")
        #expect(try errorPath(#"{"prediction_id":"p","label":1,"source":"email"}"#) == "source")
        #expect(try errorPath(#"{"label":1}"#) == "")
        #expect(try errorPath(#"{"entity":"e","from":5,"to":1,"label":1}"#) == "to")
        #expect(try errorPath(#"{"entity":"e","from":5,"label":1}"#) == "to")
    }
}
