import Dispatch
import Glibc
import HTTPCore
import RiskdTesting
import Testing

@testable import HTTPServer

/// What keeps the server answerable under hostile load: the probe listener, the descriptor-limit clamp,
/// the budget for buffered request bytes and rate-limited accept warnings.
@Suite struct HTTPServerOverloadTests {
    /// Both ends of thousands of connections live in this process.
    static func allowDescriptors(_ count: Int) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < rlim_t(count) {
            limit.rlim_cur = min(rlim_t(count), limit.rlim_max)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }

    @Test func probePortAnswersProbesWhenTheConnectionCapIsReached() throws {
        let server = try TestServer {
            $0.maxConnections = 2
            $0.eventLoopCount = 1
            $0.probePort = 0
        }
        let holders = try (0..<2).map { _ in try TestHTTPClient(port: server.port) }
        #expect(eventually { server.server.openConnections == 2 })
        let excess = try TestHTTPClient(port: server.port)
        try excess.send("GET /livez HTTP/1.1\r\nHost: h\r\n\r\n")
        let rejected = try excess.readResponse()
        #expect(rejected.status == 503)
        #expect(rejected.header("Retry-After") == "1")
        let probePort = try #require(server.server.probePort)
        #expect(probePort != server.port)
        let probe = try TestHTTPClient(port: probePort)
        #expect(try probe.request("GET", "/livez").status == 200)
        #expect(try probe.request("GET", "/readyz").text == "ready")
        let other = try probe.request("GET", "/items/1")
        #expect(other.status == 404)
        #expect(other.errorCode == "not_found")
        #expect(server.server.openConnections == 2)
        withExtendedLifetime(holders) {}
    }

    /// Sockets that never send a byte fill the connection cap only until the header timeout, not the idle one.
    @Test func silentSocketsReleaseTheConnectionCapAtTheHeaderTimeout() throws {
        let server = try TestServer {
            $0.maxConnections = 50
            $0.headerReadTimeout = 0.5
            $0.idleTimeout = 60
        }
        let silent = try (0..<50).map { _ in try TestHTTPClient(port: server.port) }
        #expect(eventually { server.server.openConnections == 50 })
        #expect(try httpRequest(port: server.port, "GET", "/livez").status == 503)
        #expect(eventually(timeout: 5) { server.server.openConnections == 0 })
        #expect(try httpRequest(port: server.port, "GET", "/livez").status == 200)
        for client in silent { #expect(client.isClosedByPeer(within: 1)) }
    }

    @Test func withoutAProbePortThereIsNone() throws {
        let server = try TestServer()
        #expect(server.server.probePort == nil)
    }

    @Test func maxConnectionsIsClampedToTheDescriptorLimit() throws {
        let server = try TestServer { $0.maxConnections = 100_000_000 }
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        #expect(server.server.maxConnections <= Int(limit.rlim_cur) - 128)
        #expect(server.logs.lines.contains { $0.contains("RLIMIT_NOFILE") })
        var configuration = HTTPServerConfiguration()
        configuration.maxConnections = 4096
        #expect(configuration.connectionLimit(descriptorLimit: 1024) == 896)
        #expect(configuration.connectionLimit(descriptorLimit: 100) == 50)
        #expect(configuration.connectionLimit(descriptorLimit: 1 << 20) == 4096)
    }

    @Test func acceptWarningsAreRateLimited() {
        var limiter = WarningRateLimiter(intervalNanoseconds: 1_000)
        #expect(limiter.admit(now: 10_000) == 0)
        #expect(limiter.admit(now: 10_100) == nil)
        #expect(limiter.admit(now: 10_500) == nil)
        #expect(limiter.admit(now: 11_000) == 2)
        #expect(limiter.admit(now: 11_001) == nil)
    }

    /// 2,000 connections each send all but the last byte of a body: the server buffers no more than its
    /// budget, answers the rest 503 with Retry-After, and its memory stays within budget + 64 MiB.
    @Test func halfSentBodiesStayWithinTheBufferedBytesBudget() throws {
        Self.allowDescriptors(8192)
        let budget = 16 << 20
        let bodyLimit = 256 << 10
        let server = try TestServer {
            $0.maxInflightBodyBytes = budget
            $0.maxBodyBytes = bodyLimit
            $0.bodyReadTimeout = 60
        }
        let request =
            Array("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: \(bodyLimit)\r\n\r\n".utf8)
            + [UInt8](repeating: 0x61, count: bodyLimit - 1)
        let before = ProcessMemory.residentBytes()
        var peak = before
        var clients: [TestHTTPClient] = []
        for index in 0..<2000 {
            let client = try TestHTTPClient(port: server.port, timeout: 10)
            try? client.send(request)  // a shed connection may stop reading before all is sent
            clients.append(client)
            if index % 100 == 0 { peak = max(peak, ProcessMemory.residentBytes()) }
        }
        let last = try clients[clients.count - 1].readResponse()
        #expect(last.status == 503)
        #expect(last.errorCode == "server_busy")
        #expect(last.header("Retry-After") == "1")
        peak = max(peak, ProcessMemory.residentBytes())
        #expect(server.server.bufferedRequestBytes <= budget + 4 * 64 * 1024)
        #expect(server.server.bufferedRequestBytes > budget / 2)
        let growth = peak - before
        #expect(growth < budget + (64 << 20), "RSS grew \(growth >> 20) MiB")
        let exposition = String(decoding: server.metrics.exposition(), as: UTF8.self)
        #expect(!exposition.contains("riskd_http_requests_shed_total 0\n"))
        for client in clients { client.close() }
        #expect(eventually(timeout: 10) { server.server.bufferedRequestBytes == 0 })
    }
}
