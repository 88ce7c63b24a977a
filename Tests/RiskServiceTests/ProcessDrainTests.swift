import Foundation
import JSON
import RiskdTesting
import Testing

/// The real `riskd` under SIGTERM with keep-alive clients, and its probe port.
@Suite struct ProcessDrainTests {
    static func start(_ extra: [String: String] = [:]) throws -> RiskdProcess {
        let repository = try RunningService.defaultRepository()
        let data = NSTemporaryDirectory() + "riskd-drain-" + UUID().uuidString
        return try RiskdProcess(
            environment: ["RISKD_MODELS_DIR": repository.root, "RISKD_DATA_DIR": data].merging(extra) { $1 })
    }

    /// Eight keep-alive clients keep sending through SIGTERM: responses from then on say
    /// `Connection: close`, the clients reconnect, and not one request goes unanswered.
    @Test func sigtermMovesKeepAliveClientsOnWithoutLosingARequest() throws {
        let riskd = try Self.start(["RISKD_DRAIN_DELAY": "3"])
        let port = riskd.port
        let stop = Box(false)
        let counts = Box((answered: 0, lost: 0, toldToClose: 0))
        let ready = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for _ in 0..<8 {
            finished.enter()
            Thread.detachNewThread {
                defer { finished.leave() }
                var client = try? TestHTTPClient(port: port)
                var signalled = false
                while !stop.current {
                    do {
                        if client == nil { client = try TestHTTPClient(port: port) }
                        let response = try client!.request("GET", "/livez")
                        guard response.status == 200 else { throw TestHTTPError.malformed("status") }
                        counts.update { $0.answered += 1 }
                        if response.header("Connection") == "close" {
                            counts.update { $0.toldToClose += 1 }
                            client?.close()
                            client = nil
                        }
                    } catch {
                        counts.update { $0.lost += 1 }
                        client = nil
                    }
                    if !signalled {
                        signalled = true
                        ready.signal()
                    }
                }
            }
        }
        for _ in 0..<8 { #expect(ready.wait(timeout: .now() + 10) == .success) }
        riskd.signal(SIGTERM)
        Thread.sleep(forTimeInterval: 1.5)  // well inside the 3 s drain delay
        stop.update { $0 = true }
        #expect(finished.wait(timeout: .now() + 10) == .success)
        let final = counts.current
        #expect(final.lost == 0)
        #expect(final.answered > 8)
        #expect(final.toldToClose >= 8)
        #expect(riskd.waitForExit(timeout: 15) == 0)
    }

    @Test func probePortServesOnlyTheProbes() throws {
        let riskd = try Self.start(["RISKD_PROBE_PORT": "0"])
        let line = try #require(riskd.log.split(separator: "\n").first { $0.contains("HTTP server listening") })
        let probePort = try #require(try JSONParser().parse(String(line))["probe_port"]?.intValue)
        #expect(probePort != riskd.port)
        #expect(try httpRequest(port: probePort, "GET", "/livez").status == 200)
        #expect(try httpRequest(port: probePort, "GET", "/readyz").status == 200)
        let metrics = try httpRequest(port: probePort, "GET", "/metrics")
        #expect(metrics.status == 404)
        #expect(try httpRequest(port: riskd.port, "GET", "/metrics").status == 200)
    }
}
