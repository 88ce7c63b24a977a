import HTTPCore
import Testing

/// Feeds bytes, collects events; the error (if any) ends parsing.
struct ParseOutcome {
    var requests: [HTTPRequest] = []
    var continues = 0
    var error: HTTPParseError?

    init(_ chunks: [[UInt8]], limits: HTTPParserLimits = HTTPParserLimits()) {
        var parser = HTTPRequestParser(limits: limits)
        for chunk in chunks {
            parser.append(chunk)
            do {
                while let event = try parser.next() {
                    switch event {
                    case .request(let request): requests.append(request)
                    case .continueExpected: continues += 1
                    }
                }
            } catch {
                self.error = error
                return
            }
        }
    }

    init(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) {
        self.init([Array(text.utf8)], limits: limits)
    }
}

@Suite struct HTTPRequestParserTests {
    static let chunkedPost =
        "POST /v1/x?a=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;name=\"quoted \\\" value\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
    static let fixedPost = "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world"
    static let get = "GET /items/1 HTTP/1.1\r\nHost: h\r\nAccept:  */*  \r\n\r\n"

    @Test(arguments: [chunkedPost, fixedPost, get])
    func everySplitPointGivesTheSameRequest(text: String) throws {
        let bytes = Array(text.utf8)
        let whole = ParseOutcome([bytes])
        #expect(whole.error == nil)
        #expect(whole.requests.count == 1)
        for split in 1..<bytes.count {
            let parts = ParseOutcome([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(parts.error == nil, "split at \(split)")
            #expect(parts.requests.map(\.body) == whole.requests.map(\.body), "split at \(split)")
            #expect(parts.requests.map(\.target) == whole.requests.map(\.target), "split at \(split)")
        }
        let byteByByte = ParseOutcome(bytes.map { [$0] })
        #expect(byteByByte.requests.map(\.body) == whole.requests.map(\.body))
    }

    @Test func decodesChunkedBodyAndDropsTrailers() {
        let outcome = ParseOutcome(Self.chunkedPost)
        #expect(outcome.requests.first?.body == Array("hello world".utf8))
        #expect(outcome.requests.first?.headers.contains("X-Trailer") == false)
        #expect(outcome.requests.first?.path == "/v1/x")
        #expect(outcome.requests.first?.query == "a=1")
    }

    @Test func parsesPipelinedRequestsInOrder() {
        let outcome = ParseOutcome(Self.get + Self.fixedPost + Self.chunkedPost + Self.get)
        #expect(outcome.requests.map(\.method) == [.GET, .POST, .POST, .GET])
        #expect(outcome.requests[1].body == Array("hello world".utf8))
        #expect(outcome.requests[0].headers["accept"] == "*/*")
    }

    @Test func ignoresEmptyLinesBeforeTheRequestLine() {
        #expect(ParseOutcome("\r\n\r\n" + Self.get).requests.count == 1)
    }

    @Test func absoluteFormIsReducedToThePath() {
        let outcome = ParseOutcome("GET http://h:80/a/b?c=d HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(outcome.requests.first?.target == "/a/b?c=d")
    }

    @Test func http10NeedsNoHost() {
        let outcome = ParseOutcome("GET / HTTP/1.0\r\n\r\n")
        #expect(outcome.requests.first?.version == .http1_0)
        #expect(outcome.requests.first?.wantsKeepAlive == false)
    }

    @Test func reportsExpectContinueBeforeTheBody() {
        var parser = HTTPRequestParser()
        parser.append(Array("PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case .continueExpected(let head) = try? parser.next() else {
            Issue.record("expected continueExpected")
            return
        }
        #expect(head.method == .PUT)
        #expect(parser.phase == .body)
        #expect((try? parser.next()) == nil)
        parser.append(Array("ok".utf8))
        guard case .request(let request) = try? parser.next() else {
            Issue.record("expected the request")
            return
        }
        #expect(request.body == Array("ok".utf8))
        #expect(parser.phase == .idle)
    }

    @Test func phaseFollowsTheRequest() throws {
        var parser = HTTPRequestParser()
        #expect(parser.phase == .idle)
        parser.append(Array("POST /x HTTP/1.1\r\nHo".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.phase == .head)
        parser.append(Array("st: h\r\nContent-Length: 3\r\n\r\nab".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.phase == .body)
    }

    static let rejected: [(String, Int)] = [
        // Smuggling: framing must be unambiguous.
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\nabcd", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\nabc", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
        // Unknown codings are 501; chunked not final is 400 (RFC 9112 §6.3).
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n", 400),
        // Line syntax.
        ("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{7}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHo(st: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n: empty\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / extra HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("G@T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET relative HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.x\r\nHost: h\r\n\r\n", 400),
        ("GET / http/1.1\r\nHost: h\r\n\r\n", 400),
        // Versions, lengths, expectations.
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
        ("POST / HTTP/1.1\r\nHost: h\r\n\r\n", 411),
        ("PUT / HTTP/1.1\r\nHost: h\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\na", 417),
    ]

    @Test(arguments: rejected)
    func rejectsMalformedRequests(text: String, status: Int) {
        let outcome = ParseOutcome(text)
        #expect(outcome.error?.status.code == status, "\(text.debugDescription)")
        #expect(outcome.requests.isEmpty)
    }

    static let badChunks: [(String, Int)] = [
        ("zz\r\n", 400),
        ("\r\n", 400),
        ("5\r\nhelloXX0\r\n\r\n", 400),
        ("5;\r\nhello\r\n0\r\n\r\n", 400),
        ("5;a=\"open\r\nhello\r\n0\r\n\r\n", 400),
        ("5;a=b c\r\nhello\r\n0\r\n\r\n", 400),
        ("5 x\r\nhello\r\n0\r\n\r\n", 400),
        ("5\rhello\r\n0\r\n\r\n", 400),
        ("FFFFFFFFFFFFFFFFFFFFFFFF\r\n", 413),
        ("100001\r\n", 413),
        ("80000\r\n" + String(repeating: "a", count: 0x80000) + "\r\n80001\r\n", 413),
        ("0\r\n folded: trailer\r\n\r\n", 400),
        ("0\r\nBad Trailer: x\r\n\r\n", 400),
    ]

    @Test(arguments: badChunks)
    func rejectsBadChunkedBodies(body: String, status: Int) {
        let outcome = ParseOutcome("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        #expect(outcome.error?.status.code == status, "\(body.prefix(40).debugDescription)")
    }

    @Test func chunkSizeOverflowIsRejectedEvenWithoutABodyLimit() {
        let limits = HTTPParserLimits(maxBodyBytes: Int.max)
        for size in ["7FFFFFFFFFFFFFFF0", "FFFFFFFFFFFFFFFFF", String(repeating: "f", count: 40)] {
            let outcome = ParseOutcome(
                "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\(size)\r\n", limits: limits)
            #expect(outcome.error?.status.code == 413, "\(size)")
        }
    }

    @Test func acceptsChunkExtensionsWithoutWhitespace() {
        let outcome = ParseOutcome(
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n2;a=b;c\r\nok\r\n0\r\n\r\n")
        #expect(outcome.requests.first?.body == Array("ok".utf8))
    }

    @Test func aBodyWithNewlinesIsNotScannedForTheNextRequestLine() {
        let post = "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n{\"a\":\n1}"
        let pipelined = ParseOutcome(post + Self.get + Self.get)
        #expect(pipelined.error == nil)
        #expect(pipelined.requests.map(\.method) == [.POST, .GET, .GET])
        #expect(pipelined.requests.first?.body == Array("{\"a\":\n1}".utf8))
        let keepAlive = ParseOutcome([Array(post.utf8), Array(Self.get.utf8)])
        #expect(keepAlive.error == nil)
        #expect(keepAlive.requests.count == 2)
        let trailingNewline = ParseOutcome(
            "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n{}\n" + Self.get)
        #expect(trailingNewline.error == nil)
        #expect(trailingNewline.requests.count == 2)
    }

    @Test func enforcesRequestLineLimitBeforeTheLineEnds() {
        let limits = HTTPParserLimits(maxRequestLineBytes: 64)
        let outcome = ParseOutcome("GET /" + String(repeating: "a", count: 100), limits: limits)
        #expect(outcome.error?.status.code == 414)
    }

    @Test func enforcesHeaderByteLimitBeforeTheHeadEnds() {
        let limits = HTTPParserLimits(maxHeaderBytes: 100)
        let outcome = ParseOutcome(
            "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 200), limits: limits)
        #expect(outcome.error?.status.code == 431)
    }

    @Test func enforcesHeaderCountLimit() {
        let limits = HTTPParserLimits(maxHeaderCount: 3)
        let fields = (0..<4).map { "X-\($0): v\r\n" }.joined()
        #expect(
            ParseOutcome("GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n", limits: limits).error?.status.code == 431)
        let fewer = (0..<2).map { "X-\($0): v\r\n" }.joined()
        #expect(ParseOutcome("GET / HTTP/1.1\r\nHost: h\r\n" + fewer + "\r\n", limits: limits).requests.count == 1)
    }

    @Test func trailersCountAgainstTheHeaderLimit() {
        let limits = HTTPParserLimits(maxHeaderCount: 2)
        let text =
            "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\n\r\n"
        #expect(ParseOutcome(text, limits: limits).error?.status.code == 431)
    }

    @Test func staysFailedAfterAnError() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/9.9\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
        parser.append(Array(Self.get.utf8))
        #expect(throws: HTTPParseError.self) { try parser.next() }
    }
}
