import Foundation
import RiskdTesting
import Testing

/// riskd behind a real Alertmanager: its notifications end in a newline (Go's JSON encoder) and arrive
/// over one keep-alive connection. Each must be answered once, with no stray 400 that breaks the connection.
@Suite struct AlertmanagerKeepAliveTests {
    @Test func notificationsOverKeepAliveAreAllAnsweredWithoutProtocolErrors() throws {
        let executable = try #require(
            AlertmanagerProcess.path, "prometheus-alertmanager (Debian package) is installed for this test")
        let running = try RunningService()
        let alertmanager = try AlertmanagerProcess(
            executable: executable, webhookURL: "http://127.0.0.1:\(running.port)/v1/webhooks/alertmanager")
        let metrics = try TestHTTPClient(port: running.port)
        func exposition() throws -> String { try metrics.request("GET", "/metrics").text }
        let delivered =
            #"riskd_http_request_duration_seconds_count{route="/v1/webhooks/alertmanager",method="POST",status="200"}"#
        let groups = ["DiskFailing", "FanFailing", "PsuFailing"]
        for (index, name) in groups.enumerated() {
            let alert = #"[{"labels": {"alertname": "\#(name)", "entity": "node-\#(index)"}}]"#
            #expect(try alertmanager.post(alerts: alert) == 200)
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, try !exposition().contains("\(delivered) \(index + 1)\n") {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        let text = try exposition()
        #expect(text.contains("\(delivered) \(groups.count)\n"), "every notification answered 200")
        #expect(!text.contains(#"riskd_http_protocol_errors_total{status="400"}"#), "no stray 400 after a body")
        // One connection for this test's metrics reads, and fewer than one per notification for Alertmanager:
        // it reused its keep-alive connection.
        let connections = text.split(separator: "\n").first { $0.hasPrefix("riskd_http_connections_total ") }
        let count = connections.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(count >= 2 && count <= groups.count, "connections: \(count)")
    }
}
