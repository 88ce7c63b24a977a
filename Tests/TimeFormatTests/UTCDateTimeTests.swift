import Foundation
import Testing
import TimeFormat

@Suite struct UTCDateTimeTests {
    @Test func formatsRFC3339WithMilliseconds() {
        #expect(UTCDateTime(unixSeconds: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(UTCDateTime(unixSeconds: 1_700_000_000.123).rfc3339 == "2023-11-14T22:13:20.123Z")
        #expect(UTCDateTime(unixSeconds: 951_782_400).rfc3339 == "2000-02-29T00:00:00.000Z")
        #expect(UTCDateTime(unixSeconds: -1).rfc3339 == "1969-12-31T23:59:59.000Z")
    }

    @Test func formatsIMFFixdate() {
        #expect(UTCDateTime(unixSeconds: 784_111_777).imfFixdate == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func agreesWithFoundationOverFourCenturies() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var seconds = -2_208_988_800.0  // 1900-01-01
        while seconds < 10_413_792_000 {  // 2300-01-01
            let ours = UTCDateTime(unixSeconds: seconds).rfc3339
            let theirs = formatter.string(from: Date(timeIntervalSince1970: seconds))
            #expect(ours.replacingOccurrences(of: ".000", with: "") == theirs)
            #expect(UTCDateTime(rfc3339: theirs)?.unixSeconds == seconds)
            seconds += 8_640_000 + 3_607
        }
    }

    @Test func parsesRFC3339Variants() {
        #expect(UTCDateTime(rfc3339: "2026-01-02T03:04:05.123Z")?.unixSeconds == 1_767_323_045.123)
        #expect(UTCDateTime(rfc3339: "2026-01-02T03:04:05.123456789Z")?.nanosecond == 123_456_789)
        #expect(UTCDateTime(rfc3339: "2026-01-02T05:04:05+02:00")?.unixSeconds == 1_767_323_045)
        #expect(UTCDateTime(rfc3339: "2026-01-02t03:04:05z")?.unixSeconds == 1_767_323_045)
        #expect(UTCDateTime(rfc3339: "0001-01-01T00:00:00Z")?.year == 1)
    }

    @Test(arguments: [
        "", "2026-01-02", "2026-13-02T03:04:05Z", "2026-02-30T03:04:05Z", "2026-01-02T24:00:00Z",
        "2026-01-02T03:04:05", "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05+0200", "2026-01-02T03:04:05Zjunk",
    ])
    func rejectsInvalidTimes(_ text: String) {
        #expect(UTCDateTime(rfc3339: text) == nil)
    }
}
