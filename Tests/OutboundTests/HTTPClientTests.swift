import HTTPCore
import Outbound
import RiskdTesting
import Testing

@Suite struct HTTPClientTests {
    private func client(totalTimeout: Double = 5, maxResponseBytes: Int = 1 << 20) -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configuration.totalTimeout = totalTimeout
        configuration.maxResponseBytes = maxResponseBytes
        return HTTPClient(configuration: configuration)
    }

    @Test func postsBodyAndHeadersAndReturnsStatusHeadersBody() throws {
        var headers = HTTPHeaders()
        headers.add("Retry-After", "7")
        let answer = HTTPResponse(status: HTTPStatus(code: 202), headers: headers, body: Array("{\"ok\":1}".utf8))
        let upstream = try FakeUpstream { _, _ in .delay(seconds: 0, then: answer) }
        defer { upstream.stop() }
        let body = Array("{\"event\":\"x\"}".utf8)
        let response = try client().post(
            url: upstream.baseURL + "/v2/enqueue", headers: [("Content-Type", "application/json"), ("X-Test", "a")],
            body: body)
        #expect(response.status == 202)
        #expect(response.header("retry-after") == "7")
        #expect(response.body == Array("{\"ok\":1}".utf8))
        let received = try #require(upstream.requests.first)
        #expect(received.method == .POST)
        #expect(received.path == "/v2/enqueue")
        #expect(received.body == body)
        #expect(received.headers["x-test"] == "a")
        #expect(received.headers["content-type"] == "application/json")
    }

    @Test func largeBodyIsSentWithoutWaitingForContinue() throws {
        let upstream = try FakeUpstream { _, _ in .respond(status: 202, body: "{}") }
        defer { upstream.stop() }
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 100_000)
        let response = try client(totalTimeout: 3).post(url: upstream.baseURL, headers: [], body: body)
        #expect(response.status == 202)
        #expect(upstream.requests.first?.body.count == 100_000)
    }

    @Test func errorStatusIsAResponseNotAnError() throws {
        let upstream = try FakeUpstream { _, _ in .respond(status: 503, body: "{}") }
        defer { upstream.stop() }
        #expect(try client().post(url: upstream.baseURL, headers: [], body: []).status == 503)
    }

    @Test func slowReceiverTimesOut() throws {
        let upstream = try FakeUpstream { _, _ in .hang }
        defer { upstream.stop() }
        #expect(throws: OutboundError.timeout) {
            try client(totalTimeout: 0.3).post(url: upstream.baseURL, headers: [], body: [1])
        }
    }

    @Test func perCallTimeoutOverridesConfiguration() throws {
        let upstream = try FakeUpstream { _, _ in .hang }
        defer { upstream.stop() }
        #expect(throws: OutboundError.timeout) {
            try client(totalTimeout: 30).post(url: upstream.baseURL, headers: [], body: [1], timeout: 0.2)
        }
    }

    @Test func nothingListeningIsConnectionRefused() throws {
        let upstream = try FakeUpstream { _, _ in .respond(status: 200, body: "{}") }
        let url = upstream.baseURL
        upstream.stop()
        do {
            _ = try client().post(url: url, headers: [], body: [])
            Issue.record("expected an error")
        } catch {
            guard case .connectionRefused = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
    }

    @Test func droppedConnectionIsATransportError() throws {
        let upstream = try FakeUpstream { _, _ in .closeConnection }
        defer { upstream.stop() }
        do {
            _ = try client().post(url: upstream.baseURL, headers: [], body: [1])
            Issue.record("expected an error")
        } catch {
            guard case .transport = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
    }

    @Test func oversizedResponseIsRejected() throws {
        let big = String(repeating: "x", count: 5_000)
        let upstream = try FakeUpstream { _, _ in .respond(status: 200, body: "\"\(big)\"") }
        defer { upstream.stop() }
        #expect(throws: OutboundError.responseTooLarge(limit: 1_000)) {
            try client(maxResponseBytes: 1_000).post(url: upstream.baseURL, headers: [], body: [])
        }
    }

    @Test func redirectsAreNotFollowed() throws {
        var headers = HTTPHeaders()
        headers.add("Location", "/elsewhere")
        let redirect = HTTPResponse(status: HTTPStatus(code: 302), headers: headers, body: [])
        let upstream = try FakeUpstream { _, _ in .delay(seconds: 0, then: redirect) }
        defer { upstream.stop() }
        let response = try client().post(url: upstream.baseURL + "/start", headers: [], body: [])
        #expect(response.status == 302)
        #expect(upstream.requests.count == 1)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"])
    func onlyHTTPSchemesAreAllowed(url: String) {
        #expect {
            try client().post(url: url, headers: [], body: [])
        } throws: { error in
            guard case .invalidURL = error as? OutboundError else { return false }
            return true
        }
    }

    @Test func headerWithLineBreakIsNotSent() throws {
        let upstream = try FakeUpstream { _, _ in .respond(status: 200, body: "{}") }
        defer { upstream.stop() }
        _ = try client().post(url: upstream.baseURL, headers: [("X-Evil", "a\r\nX-Injected: 1")], body: [])
        let received = try #require(upstream.requests.first)
        #expect(received.headers["x-injected"] == nil)
        #expect(received.headers["x-evil"] == nil)
    }
}
