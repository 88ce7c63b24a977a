import Dispatch
import HTTPCore
import HTTPServer
import RiskdTesting
import Testing

/// Polls `condition` until it holds or `timeout` seconds pass.
func eventually(timeout: Double = 3, _ condition: () -> Bool) -> Bool {
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
    while !condition() {
        if DispatchTime.now().uptimeNanoseconds > deadline { return false }
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(5))
    }
    return true
}

@Suite struct HTTPServerLimitsTests {
    static let malformed: [(String, Int, String)] = [
        ("GET / HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n", 400, "bad_request"),
        (
            "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
            "bad_request"
        ),
        ("POST /echo HTTP/1.1\r\nHost: h\r\n\r\n", 411, "length_required"),
        ("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n", 413, "content_too_large"),
        ("GET /" + String(repeating: "a", count: 600) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414, "uri_too_long"),
        (
            "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "b", count: 700) + "\r\n\r\n", 431,
            "header_fields_too_large"
        ),
        ("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "not_implemented"),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "http_version_not_supported"),
        (
            "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400,
            "bad_request"
        ),
        ("GET /livez HTTP/1.1\r\nHost: h\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n", 400, "bad_request"),
        ("GET /items/%FF HTTP/1.1\r\nHost: h\r\n\r\n", 400, "invalid_percent_encoding"),
        ("PURGE /livez HTTP/1.1\r\nHost: h\r\n\r\n", 400, "unknown_method"),
    ]

    @Test(arguments: malformed)
    func malformedRequestGetsStatusAndClose(request: String, status: Int, code: String) throws {
        let server = try TestServer {
            $0.maxBodyBytes = 1000
            $0.maxRequestLineBytes = 512
            $0.maxHeaderBytes = 512
        }
        let client = try TestHTTPClient(port: server.port)
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status)
        #expect(response.errorCode == code)
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByPeer(within: 2))
        let exposition = String(decoding: server.metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains("riskd_http_protocol_errors_total{status=\"\(status)\"} 1"))
    }

    @Test func binaryGarbageGets400AndTheServerKeepsServing() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        try client.send((0...255).map { UInt8($0) } + Array("\r\n\r\n".utf8))
        #expect(try client.readResponse().status == 400)
        #expect(client.isClosedByPeer(within: 2))
        #expect(try httpRequest(port: server.port, "GET", "/livez").status == 200)
    }

    @Test func errorComesAfterEarlierPipelinedResponses() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        try client.send("GET /slow/50 HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/3.0\r\n\r\n")
        #expect(try client.readResponse().text == "slept 50")
        #expect(try client.readResponse().status == 505)
        #expect(client.isClosedByPeer(within: 2))
    }

    @Test func slowHeadGets408AndClose() throws {
        let server = try TestServer { $0.headerReadTimeout = 0.3 }
        let client = try TestHTTPClient(port: server.port)
        try client.send("GET /livez HTTP/1.1\r\nHo")
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(response.errorCode == "request_timeout")
        #expect(client.isClosedByPeer(within: 2))
    }

    @Test func silentConnectionIsClosedAtTheHeaderTimeoutButAnAnsweredOneWaitsForIdle() throws {
        let server = try TestServer {
            $0.headerReadTimeout = 0.3
            $0.idleTimeout = 60
        }
        let silent = try TestHTTPClient(port: server.port)
        #expect(silent.isClosedByPeer(within: 2))
        let answered = try TestHTTPClient(port: server.port)
        #expect(try answered.request("GET", "/livez").status == 200)
        #expect(!answered.isClosedByPeer(within: 0.6))
        #expect(try answered.request("GET", "/livez").status == 200)
        #expect(eventually { server.server.openConnections == 1 })
    }

    @Test func headerTimeoutCountsFromAcceptForTheFirstRequest() throws {
        let server = try TestServer { $0.headerReadTimeout = 4 }
        let client = try TestHTTPClient(port: server.port)
        // Starting the head late cannot restart the clock: it started at accept (408 ~2 s after the send,
        // not 4 s; the 1.5 s margin on each side absorbs a loaded machine).
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .seconds(2))
        try client.send("GET /livez HTTP/1.1\r\nHo")
        let started = DispatchTime.now().uptimeNanoseconds
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(DispatchTime.now().uptimeNanoseconds - started < 3_500_000_000)
    }

    @Test func slowBodyGets408AndClose() throws {
        let server = try TestServer { $0.bodyReadTimeout = 0.3 }
        let client = try TestHTTPClient(port: server.port)
        try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
        #expect(try client.readResponse().status == 408)
        #expect(client.isClosedByPeer(within: 2))
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        let server = try TestServer { $0.idleTimeout = 0.3 }
        let client = try TestHTTPClient(port: server.port)
        #expect(try client.request("GET", "/livez").status == 200)
        #expect(client.isClosedByPeer(within: 3))
        #expect(eventually { server.server.openConnections == 0 })
    }

    @Test func readerThatStopsReadingIsDisconnectedAfterTheWriteTimeout() throws {
        let server = try TestServer { $0.writeTimeout = 0.3 }
        let client = try TestHTTPClient(port: server.port)
        // Far more than the loopback socket buffers hold, and the client never reads it.
        try client.send("GET /bytes/64000000 HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(eventually { server.server.openConnections == 1 })
        #expect(eventually(timeout: 5) { server.server.openConnections == 0 })
    }

    @Test func unansweredDeferredResponseBecomes503() throws {
        let server = try TestServer { $0.responseTimeout = 0.3 }
        let client = try TestHTTPClient(port: server.port)
        let response = try client.request("GET", "/never")
        #expect(response.status == 503)
        #expect(response.errorCode == "response_timeout")
        #expect(try client.request("GET", "/livez").status == 200)
    }

    @Test func connectionsOverTheLimitGet503WhileTheServerStaysResponsive() throws {
        let server = try TestServer {
            $0.maxConnections = 2
            $0.eventLoopCount = 1
        }
        let first = try TestHTTPClient(port: server.port)
        let second = try TestHTTPClient(port: server.port)
        #expect(try first.request("GET", "/livez").status == 200)
        #expect(try second.request("GET", "/livez").status == 200)
        let excess = try TestHTTPClient(port: server.port)
        try excess.send("GET /livez HTTP/1.1\r\nHost: h\r\n\r\n")
        let rejected = try excess.readResponse()
        #expect(rejected.status == 503)
        #expect(rejected.errorCode == "too_many_connections")
        #expect(rejected.header("Retry-After") == "1")
        #expect(excess.isClosedByPeer(within: 2))
        first.close()
        #expect(eventually { server.server.openConnections < 2 })
        #expect(try httpRequest(port: server.port, "GET", "/livez").status == 200)
        #expect(try second.request("GET", "/livez").status == 200)
        let exposition = String(decoding: server.metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains("riskd_http_connections_rejected_total 1"))
    }

    @Test func answersInOrderWhilePipeliningBeyondThePendingLimit() throws {
        let server = try TestServer {
            $0.maxPipelinedRequests = 2
            $0.responseTimeout = 60
        }
        let client = try TestHTTPClient(port: server.port)
        // Later requests finish sooner, so only ordered delivery yields the sent order.
        let delays = (0..<20).map { (20 - $0) * 3 }
        try client.send(delays.map { "GET /slow/\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
        for delay in delays {
            #expect(try client.readResponse().text == "slept \(delay)")
        }
    }
}
