import Foundation

/// A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) on 127.0.0.1, for tests that check
/// riskd against the notifications Alertmanager itself sends: its JSON, its framing, its keep-alive.
public final class AlertmanagerProcess {
    public static var path: String? {
        ["/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    public let port: Int
    private let process = Process()
    private let directory: String

    /// Starts Alertmanager with one route: every alert, grouped by `alertname`, to `webhookURL` after
    /// `groupWait`; returns once its API answers.
    public init(executable: String, webhookURL: String, groupWait: String = "100ms") throws {
        directory = NSTemporaryDirectory() + "alertmanager-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = """
            route:
              receiver: riskd
              group_by: ['alertname']
              group_wait: \(groupWait)
              group_interval: 1m
              repeat_interval: 1h
            receivers:
              - name: riskd
                webhook_configs:
                  - url: '\(webhookURL)'
                    send_resolved: true
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/alertmanager.yml"))
        port = try TestSocket.freeLoopbackPort()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--config.file=\(directory)/alertmanager.yml", "--storage.path=\(directory)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline && process.isRunning {
            if (try? httpRequest(port: port, "GET", "/-/ready").status) == 200 { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestHTTPError.malformed("alertmanager did not become ready on port \(port)")
    }

    /// Posts alerts through Alertmanager's v2 API (`[{"labels": {...}}]`); returns the HTTP status.
    public func post(alerts json: String) throws -> Int {
        try httpRequest(
            port: port, "POST", "/api/v2/alerts", headers: [("Content-Type", "application/json")],
            body: Array(json.utf8)
        ).status
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
