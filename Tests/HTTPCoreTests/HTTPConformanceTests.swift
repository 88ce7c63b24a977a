import HTTPCore
import Testing

/// The parser against the strict request suites of llhttp and picohttpparser, in spirit: each case is a
/// request those parsers reject in strict mode (or accept), written afresh for riskd's parser. The focus is
/// on what lets two HTTP implementations disagree about where a request ends: that is request smuggling.
@Suite struct HTTPConformanceTests {
    static func post(_ headers: String, _ body: String = "") -> String {
        "POST /x HTTP/1.1\r\nHost: h\r\n" + headers + "\r\n" + body
    }

    static func chunked(_ body: String) -> String {
        post("Transfer-Encoding: chunked\r\n", body)
    }

    /// Requests that must fail, with the status the server answers before closing.
    static let rejected: [(name: String, request: String, status: Int)] = [
        // Framing: exactly one way to find the end of the body.
        ("CL then TE", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400),
        ("TE then CL", post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"), 400),
        ("two different CL", post("Content-Length: 1\r\nContent-Length: 2\r\n", "ab"), 400),
        ("CL list", post("Content-Length: 1, 2\r\n", "ab"), 400),
        ("CL with sign", post("Content-Length: +2\r\n", "ab"), 400),
        ("CL with inner space", post("Content-Length: 1 2\r\n", "ab"), 400),
        ("TE chunked not final", post("Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"), 400),
        (
            "TE chunked then identity field",
            post("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", "0\r\n\r\n"), 400
        ),
        ("TE unknown coding alone", post("Transfer-Encoding: pigeons\r\n"), 400),
        ("TE empty", post("Transfer-Encoding:\r\n", "0\r\n\r\n"), 400),
        ("TE empty element", post("Transfer-Encoding: , chunked\r\n", "0\r\n\r\n"), 400),
        ("TE chunked twice", post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"), 400),
        ("TE in HTTP/1.0", "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("TE unsupported but chunked final", post("Transfer-Encoding: gzip, chunked\r\n"), 501),
        ("TE obs-fold", post("Transfer-Encoding:\r\n chunked\r\n", "0\r\n\r\n"), 400),
        ("TE space before colon", post("Transfer-Encoding : chunked\r\n", "0\r\n\r\n"), 400),
        ("TE tab before colon", post("Transfer-Encoding\t: chunked\r\n", "0\r\n\r\n"), 400),
        // Line endings and folding.
        ("obs-fold continuation", "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n", 400),
        ("bare CR inside a field", "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400),
        ("bare CR before CRLF", "GET / HTTP/1.1\r\nHost: h\r\r\n\r\n", 400),
        ("bare LF in the request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", 400),
        ("bare LF ends the head", "GET / HTTP/1.1\r\nHost: h\r\n\n", 400),
        ("bare CR in the request line", "GET /\r HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        // Field names are tokens; values have no controls.
        ("space in a field name", "GET / HTTP/1.1\r\nHost: h\r\nX Y: z\r\n\r\n", 400),
        ("quote in a field name", "GET / HTTP/1.1\r\nHost: h\r\nX\"Y: z\r\n\r\n", 400),
        ("brace in a field name", "GET / HTTP/1.1\r\nHost: h\r\nX{}: z\r\n\r\n", 400),
        ("at sign in a field name", "GET / HTTP/1.1\r\nHost: h\r\nX@Y: z\r\n\r\n", 400),
        ("empty field name", "GET / HTTP/1.1\r\nHost: h\r\n: z\r\n\r\n", 400),
        ("NUL in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", 400),
        ("DEL in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{7F}b\r\n\r\n", 400),
        ("vertical tab in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{B}b\r\n\r\n", 400),
        // Fields that must not repeat.
        ("two Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
        ("two Authorization", "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: a\r\nauthorization: b\r\n\r\n", 400),
        ("two Content-Type", post("Content-Length: 2\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n", "{}"), 400),
        // Chunk-size lines.
        ("chunk size then space", chunked("5 \r\nhello\r\n0\r\n\r\n"), 400),
        ("chunk size then tab", chunked("5\t\r\nhello\r\n0\r\n\r\n"), 400),
        ("last chunk then spaces", chunked("5\r\nhello\r\n0  \r\n\r\n"), 400),
        ("space before extension", chunked("5 ;a=b\r\nhello\r\n0\r\n\r\n"), 400),
        ("space after semicolon", chunked("5; a=b\r\nhello\r\n0\r\n\r\n"), 400),
        ("space around equals", chunked("5;a = b\r\nhello\r\n0\r\n\r\n"), 400),
        ("extension without semicolon", chunked("5 erfrferferf\r\nhello\r\n0\r\n\r\n"), 400),
        ("semicolon without name", chunked("5;\r\nhello\r\n0\r\n\r\n"), 400),
        ("value without name", chunked("5;=b\r\nhello\r\n0\r\n\r\n"), 400),
        ("two bare values", chunked("5;a=b c\r\nhello\r\n0\r\n\r\n"), 400),
        ("unbalanced quote", chunked("5;a=\"abc;b=\"def\r\nhello\r\n0\r\n\r\n"), 400),
        ("control in a quoted value", chunked("5;a=\"x\u{1}\"\r\nhello\r\n0\r\n\r\n"), 400),
        ("hex prefix", chunked("0x5\r\nhello\r\n0\r\n\r\n"), 400),
        ("leading space", chunked(" 5\r\nhello\r\n0\r\n\r\n"), 400),
        ("signed size", chunked("+5\r\nhello\r\n0\r\n\r\n"), 400),
        ("chunk longer than its size", chunked("5\r\nhelloX\r\n0\r\n\r\n"), 400),
        ("chunk data with bare LF", chunked("5\r\nhello\n0\r\n\r\n"), 400),
        // Methods: case-sensitive tokens; unknown ones are rejected before routing.
        ("lower-case method", "get / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("extension method", "BREW / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("QUERY is not implemented", "QUERY / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("non-token method", "G@T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("method with a tab", "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("missing method", " / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        // Request-target forms.
        ("asterisk form with GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("authority form with GET", "GET h:80 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("authority form with CONNECT", "CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("relative target", "GET a/b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("space in the target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("two spaces after the method", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("percent-encoded invalid UTF-8 in the path", "GET /v1/%FF HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("percent-encoded invalid UTF-8 in the query", "GET /v1?id=%C3%28 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("malformed escape", "GET /v1/%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("truncated escape", "GET /v1/%4 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        // Versions.
        ("lower-case protocol", "GET / http/1.1\r\nHost: h\r\n\r\n", 400),
        ("two-digit minor", "GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400),
        ("leading-zero major", "GET / HTTP/01.1\r\nHost: h\r\n\r\n", 400),
        ("no minor", "GET / HTTP/1\r\nHost: h\r\n\r\n", 400),
        ("wrong protocol name", "GET / HTTPS/1.1\r\nHost: h\r\n\r\n", 400),
        ("no version", "GET /\r\nHost: h\r\n\r\n", 400),
        ("space after the version", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
        ("HTTP/2 over HTTP/1 framing", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("HTTP/0.9 version", "GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
    ]

    @Test(arguments: rejected)
    func rejects(name: String, request: String, status: Int) {
        let outcome = ParseOutcome(request)
        #expect(outcome.error?.status.code == status, "\(name)")
        #expect(outcome.requests.isEmpty, "\(name)")
    }

    @Test func rejectsNonASCIIInTheFieldNameAndTarget() {
        let name = ParseOutcome([Array("GET / HTTP/1.1\r\nHost: h\r\nX\u{E9}: y\r\n\r\n".utf8)])
        #expect(name.error?.status.code == 400)
        let target = ParseOutcome([Array("GET /caf\u{E9} HTTP/1.1\r\nHost: h\r\n\r\n".utf8)])
        #expect(target.error?.status.code == 400)
    }

    /// Requests the strict parsers accept, with what each must decode to.
    static let accepted: [(name: String, request: String, body: String)] = [
        ("equal CL repeated", post("Content-Length: 2\r\nContent-Length: 2\r\n", "ab"), "ab"),
        ("CL with leading zeros", post("Content-Length: 002\r\n", "ab"), "ab"),
        ("TE case-insensitive", post("Transfer-Encoding: Chunked\r\n", "2\r\nab\r\n0\r\n\r\n"), "ab"),
        ("TE with tab OWS", post("Transfer-Encoding:\tchunked\t\r\n", "2\r\nab\r\n0\r\n\r\n"), "ab"),
        ("lower-case hex size", chunked("a\r\n0123456789\r\n0\r\n\r\n"), "0123456789"),
        ("upper-case hex size", chunked("A\r\n0123456789\r\n0\r\n\r\n"), "0123456789"),
        ("zero-padded last chunk", chunked("2\r\nab\r\n000\r\n\r\n"), "ab"),
        ("extension name only", chunked("2;ilovew3\r\nab\r\n0\r\n\r\n"), "ab"),
        ("extensions with token values", chunked("2;a=b;c;d=e\r\nab\r\n0;f\r\n\r\n"), "ab"),
        ("quoted extension value", chunked("2;a=\"I \\\"love\\\"; \\\\it\\\\\";b=c\r\nab\r\n0\r\n\r\n"), "ab"),
        ("trailers", chunked("2\r\nab\r\n0\r\nVary: *\r\nX-T: 1\r\n\r\n"), "ab"),
        ("obs-text in a value", "GET / HTTP/1.1\r\nHost: h\r\nX: caf\u{E9}\r\n\r\n", ""),
        ("empty value", "GET / HTTP/1.1\r\nHost: h\r\nX:\r\n\r\n", ""),
        ("all tchar in a name", "GET / HTTP/1.1\r\nHost: h\r\n!#$%&'*+-.^_`|~09az: v\r\n\r\n", ""),
        ("OPTIONS asterisk", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", ""),
        ("absolute form", "GET http://h/a?b=c HTTP/1.1\r\nHost: h\r\n\r\n", ""),
        ("percent-encoded UTF-8", "GET /v1/caf%C3%A9?q=%E2%82%AC HTTP/1.1\r\nHost: h\r\n\r\n", ""),
        ("HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", ""),
        ("higher 1.x minor", "GET / HTTP/1.9\r\nHost: h\r\n\r\n", ""),
        ("one Authorization", "GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n\r\n", ""),
    ]

    @Test(arguments: accepted)
    func accepts(name: String, request: String, body: String) {
        let outcome = ParseOutcome(request)
        #expect(outcome.error == nil, "\(name): \(String(describing: outcome.error))")
        #expect(outcome.requests.map { String(decoding: $0.body, as: UTF8.self) } == [body], "\(name)")
    }

    @Test func everyStandardMethodParses() {
        for method in HTTPMethod.standard where method != .CONNECT {
            let target = method == .OPTIONS ? "*" : "/"
            let framing = [HTTPMethod.POST, .PUT, .PATCH].contains(method) ? "Content-Length: 0\r\n" : ""
            let outcome = ParseOutcome("\(method) \(target) HTTP/1.1\r\nHost: h\r\n\(framing)\r\n")
            #expect(outcome.requests.map(\.method) == [method])
        }
    }

    @Test func mediaTypeIsTheExactEssence() {
        func mediaType(_ value: String) -> String? {
            HTTPRequest(
                method: .POST, target: "/", version: .http1_1, headers: HTTPHeaders([("Content-Type", value)]),
                body: []
            ).mediaType
        }
        #expect(mediaType("application/json") == "application/json")
        #expect(mediaType("Application/JSON; charset=utf-8") == "application/json")
        #expect(mediaType(" application/json ;charset=utf-8") == "application/json")
        #expect(mediaType("application/jsonx") == "application/jsonx")
        #expect(mediaType("application/json-patch+json") == "application/json-patch+json")
        let none = HTTPRequest(method: .GET, target: "/", version: .http1_1, headers: HTTPHeaders(), body: [])
        #expect(none.mediaType == nil)
    }
}
