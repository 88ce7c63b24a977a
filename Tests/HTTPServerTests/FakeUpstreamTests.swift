import Dispatch
import HTTPCore
import RiskdTesting
import Testing

@Suite struct FakeUpstreamTests {
    @Test func playsScriptedBehavioursAndRecordsRequests() throws {
        let upstream = try FakeUpstream { request, index in
            switch request.path {
            case "/hang": return .hang
            case "/drop": return .closeConnection
            case "/late": return .delay(seconds: 0.3, then: .text(.accepted, "late"))
            default: return .respond(status: 201, body: #"{"index":\#(index)}"#)
            }
        }
        defer { upstream.stop() }
        #expect(upstream.baseURL == "http://127.0.0.1:\(upstream.port)")
        let created = try httpRequest(port: upstream.port, "POST", "/events", body: Array("{}".utf8))
        #expect(created.status == 201)
        #expect(created.text == #"{"index":0}"#)

        let late = try TestHTTPClient(port: upstream.port)
        try late.send("GET /late HTTP/1.1\r\nHost: h\r\n\r\n")
        // The delay runs off the event loop: another request is answered while /late is pending.
        let started = DispatchTime.now().uptimeNanoseconds
        #expect(try httpRequest(port: upstream.port, "GET", "/other").status == 201)
        #expect(DispatchTime.now().uptimeNanoseconds - started < 250_000_000)
        #expect(try late.readResponse().text == "late")

        let dropped = try TestHTTPClient(port: upstream.port)
        try dropped.send("GET /drop HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(throws: TestHTTPError.self) { try dropped.readResponse() }

        let hung = try TestHTTPClient(port: upstream.port, timeout: 0.3)
        try hung.send("GET /hang HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(throws: TestHTTPError.timeout) { try hung.readResponse() }

        #expect(upstream.waitForRequests(count: 5, timeout: 2))
        // /late and /other arrive on different connections, so only the set is deterministic for them.
        let paths = upstream.requests.map(\.path)
        #expect(paths.first == "/events" && paths.suffix(2) == ["/drop", "/hang"])
        #expect(Set(paths) == ["/events", "/late", "/other", "/drop", "/hang"])
        #expect(upstream.requests.first?.body == Array("{}".utf8))
        #expect(!upstream.waitForRequests(count: 6, timeout: 0.05))
    }
}
