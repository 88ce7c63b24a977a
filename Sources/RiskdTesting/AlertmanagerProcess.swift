import Foundation

/// A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) on 127.0.0.1, for tests that check
/// riskd against the notifications Alertmanager itself sends: its JSON, its framing, its keep-alive.
public final class AlertmanagerProcess {
    public static var path: String? {
        LocalServerProcess.executable(["/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager"])
    }

    public var port: Int { server.port }
    private let server: LocalServerProcess

    /// Starts Alertmanager with one route: every alert, grouped by `alertname`, to `webhookURL` after
    /// `groupWait`; returns once its API answers.
    public init(executable: String, webhookURL: String, groupWait: String = "100ms") throws {
        server = try LocalServerProcess(name: "alertmanager")
        let directory = server.directory
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
        try server.start(
            executable,
            arguments: { port in
                [
                    "--config.file=\(directory)/alertmanager.yml", "--storage.path=\(directory)/data",
                    "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn",
                ]
            }, readyPath: "/-/ready", timeout: 15)
    }

    /// Posts alerts through Alertmanager's v2 API (`[{"labels": {...}}]`); returns the HTTP status.
    public func post(alerts json: String) throws -> Int {
        try httpRequest(
            port: port, "POST", "/api/v2/alerts", headers: [("Content-Type", "application/json")],
            body: Array(json.utf8)
        ).status
    }
}
