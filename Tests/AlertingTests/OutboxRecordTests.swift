import Storage
import Testing

@testable import Alerting

@Suite struct OutboxRecordTests {
    @Test func eventRoundTripsWithBinaryBody() throws {
        let event = OutboxEvent(
            id: "e1", key: "k", url: "http://x/y", headers: ["A": "1", "B": "2"], body: [0, 255, 10, 13, 34],
            createdAt: 1_700_000_000.25)
        #expect(try OutboxRecord(decoding: OutboxRecord.event(event).encoded()) == .event(event))
    }

    @Test func ackRoundTrips() throws {
        let ack = OutboxRecord.ack(id: "e1", outcome: "dead_letter")
        #expect(try OutboxRecord(decoding: ack.encoded()) == ack)
    }

    @Test(arguments: ["", "{}", #"{"type":"x","id":"1"}"#, #"{"type":"event","id":"1"}"#])
    func malformedRecordsThrow(text: String) {
        #expect(throws: (any Error).self) { try OutboxRecord(decoding: Array(text.utf8)) }
    }

    @Test func frameDetectsCorruptionAndTruncation() {
        let frame = OutboxLogFile.frame(Array("hello".utf8))
        #expect(OutboxLogFile.frame(in: frame, at: 0, maxPayloadBytes: 100) == Array("hello".utf8))
        #expect(OutboxLogFile.frame(in: Array(frame.dropLast()), at: 0, maxPayloadBytes: 100) == nil)
        #expect(OutboxLogFile.frame(in: frame, at: 0, maxPayloadBytes: 4) == nil)
        var corrupt = frame
        corrupt[corrupt.count - 1] ^= 1
        #expect(OutboxLogFile.frame(in: corrupt, at: 0, maxPayloadBytes: 100) == nil)
    }
}
