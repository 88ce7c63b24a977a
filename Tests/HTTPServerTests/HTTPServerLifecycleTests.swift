import Dispatch
import Foundation
import Glibc
import HTTPCore
import HTTPServer
import RiskdTesting
import Synchronization
import Testing

@Suite struct HTTPServerLifecycleTests {
    @Test func gracefulShutdownFinishesInFlightClosesIdleAndRefusesNew() throws {
        let server = try TestServer()
        let port = server.port
        let busy = try TestHTTPClient(port: port)
        let idle = try TestHTTPClient(port: port)
        #expect(try idle.request("GET", "/livez").status == 200)
        try busy.send("GET /slow/400 HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(eventually { server.server.openConnections == 2 })
        let finished = DispatchSemaphore(value: 0)
        let shutdownServer = server.server
        DispatchQueue.global().async {
            shutdownServer.shutdown(gracePeriod: 5)
            finished.signal()
        }
        #expect(idle.isClosedByPeer(within: 2))
        let response = try busy.readResponse()
        #expect(response.text == "slept 400")
        #expect(response.header("Connection") == "close")
        #expect(finished.wait(timeout: .now() + 5) == .success)
        #expect(throws: TestHTTPError.self) { try TestHTTPClient(port: port) }
    }

    @Test func shutdownForceClosesAfterTheGracePeriod() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        try client.send("GET /never HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(eventually { server.server.openConnections == 1 })
        let started = DispatchTime.now().uptimeNanoseconds
        server.server.shutdown(gracePeriod: 0.2)
        #expect(DispatchTime.now().uptimeNanoseconds - started < 3_000_000_000)
        #expect(client.isClosedByPeer(within: 2))
    }

    @Test func stopAcceptingKeepsExistingConnections() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        #expect(try client.request("GET", "/livez").status == 200)
        server.server.stopAccepting()
        #expect(throws: TestHTTPError.self) { try TestHTTPClient(port: server.port) }
        #expect(try client.request("GET", "/livez").status == 200)
    }

    @Test func thousandIdleConnectionsDoNotDelayARequest() throws {
        // Both ends live in this process: make sure 2,000+ descriptors are allowed.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 4096 {
            limit.rlim_cur = min(4096, limit.rlim_max)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        let server = try TestServer()
        let idle = try (0..<1000).map { _ in try TestHTTPClient(port: server.port) }
        #expect(eventually(timeout: 5) { server.server.openConnections == 1000 })
        let started = DispatchTime.now().uptimeNanoseconds
        #expect(try httpRequest(port: server.port, "GET", "/livez").status == 200)
        // A generous sanity bound; the latency target itself is measured by bench/http.
        #expect(DispatchTime.now().uptimeNanoseconds - started < 1_000_000_000)
        for client in idle { client.close() }
        #expect(eventually(timeout: 5) { server.server.openConnections == 0 })
    }

    @Test func exposesRequestHistogramByRouteTemplateAndServerMetrics() throws {
        let server = try TestServer()
        #expect(try httpRequest(port: server.port, "GET", "/items/42").status == 200)
        #expect(try httpRequest(port: server.port, "GET", "/items/43").status == 200)
        #expect(try httpRequest(port: server.port, "GET", "/missing/path").status == 404)
        let text = String(decoding: server.metrics.exposition(), as: UTF8.self)
        #expect(
            text.contains(
                #"riskd_http_request_duration_seconds_count{route="/items/{id}",method="GET",status="200"} 2"#))
        #expect(
            text.contains(#"riskd_http_request_duration_seconds_count{route="unmatched",method="GET",status="404"} 1"#))
        #expect(!text.contains("/items/42"))
        for name in [
            "riskd_http_requests_in_flight", "riskd_http_connections_open", "riskd_http_connections_total",
            "riskd_http_received_bytes_total", "riskd_http_sent_bytes_total",
        ] {
            #expect(text.contains("# TYPE \(name) "), "\(name)")
        }
    }

    @Test func expositionPassesPromtool() throws {
        let promtool = try #require(
            Promtool.path, "promtool (Debian package prometheus) is needed; make deps installs it")
        let server = try TestServer()
        _ = try httpRequest(port: server.port, "GET", "/items/1")
        _ = try httpRequest(port: server.port, "POST", "/livez")
        let client = try TestHTTPClient(port: server.port)
        try client.send("GET / HTTP/7.0\r\n\r\n")
        _ = try client.readResponse()
        let result = try Promtool.checkMetrics(server.metrics.exposition(), promtool: promtool)
        #expect(result.status == 0, "\(result.report)")
    }
}
