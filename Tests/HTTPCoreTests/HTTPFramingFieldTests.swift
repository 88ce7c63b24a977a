import HTTPCore
import Testing

/// The parser recognises the framing fields (Host, Content-Length, Transfer-Encoding, Content-Type,
/// Authorization, Expect) from their name bytes as they arrive: every letter case must count, and a name
/// one letter away from one of them must not.
@Suite struct HTTPFramingFieldTests {
    static let framed: [(headers: String, body: String)] = [
        ("CONTENT-LENGTH: 2\r\n", "ab"),
        ("content-length: 2\r\ncOnTeNt-LeNgTh: 2\r\n", "ab"),
        ("Content-Length: 2, 2\r\n", "ab"),
        ("Content-Length:  2 \r\n", "ab"),
        ("TRANSFER-ENCODING: chunked\r\n", "2\r\nab\r\n0\r\n\r\n"),
    ]

    @Test(arguments: framed)
    func framingFieldsCountInAnyLetterCase(headers: String, body: String) {
        let outcome = ParseOutcome("POST /x HTTP/1.1\r\nhOsT: h\r\n" + headers + "\r\n" + body)
        #expect(outcome.error == nil)
        #expect(outcome.requests.map { String(decoding: $0.body, as: UTF8.self) } == ["ab"])
    }

    static let rejected: [(request: String, status: Int)] = [
        ("GET / HTTP/1.1\r\nHost: a\r\nHOST: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nauthorization: a\r\nAUTHORIZATION: b\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\ncontent-type: a/b\r\nCONTENT-TYPE: c/d\r\nContent-Length: 0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\ncontent-length: 3\r\n\r\nab", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nEXPECT: 200-ok\r\n\r\n", 417),
        // One letter away from a framing field: an ordinary field, so no length and no Host.
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Lengtx: 2\r\n\r\nab", 411),
        ("GET / HTTP/1.1\r\nHosx: h\r\n\r\n", 400),
    ]

    @Test(arguments: rejected)
    func framingChecksSeeEverySpelling(request: String, status: Int) {
        let outcome = ParseOutcome(request)
        #expect(outcome.error?.status.code == status)
        #expect(outcome.requests.isEmpty)
    }

    @Test func jsonMediaTypeReadsTheSameAsAnyOther() {
        let body = "{}"
        let outcome = ParseOutcome(
            "POST /x HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n" + body
                + "POST /x HTTP/1.1\r\nHost: h\r\nContent-Type: Application/JSON ; charset=utf-8\r\nContent-Length: 2\r\n\r\n"
                + body)
        #expect(outcome.requests.map(\.mediaType) == ["application/json", "application/json"])
        #expect(
            outcome.requests.map { $0.headers["content-type"] } == [
                "application/json", "Application/JSON ; charset=utf-8",
            ])
    }
}
