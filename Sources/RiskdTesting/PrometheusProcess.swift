import Foundation

/// A real Prometheus server (Debian's `prometheus`) on 127.0.0.1, for tests that check riskd against what
/// Prometheus itself does: scraping riskd or an exporter, evaluating rules, answering PromQL.
public final class PrometheusProcess {
    public static var path: String? {
        LocalServerProcess.executable(["/usr/bin/prometheus", "/usr/local/bin/prometheus"])
    }

    /// One scrape job: `targets` are `host:port` strings, scraped every `interval`.
    public struct ScrapeJob: Sendable {
        public var name: String
        public var targets: [String]
        public var interval: String
        public var metricsPath: String

        public init(name: String, targets: [String], interval: String = "1s", metricsPath: String = "/metrics") {
            self.name = name
            self.targets = targets
            self.interval = interval
            self.metricsPath = metricsPath
        }
    }

    public var port: Int { server.port }
    /// The server's temporary directory; rule files given to `init` are copied here.
    public var directory: String { server.directory }
    private let server: LocalServerProcess

    /// Starts Prometheus scraping `jobs`, evaluating the rule files at `ruleFiles` every
    /// `evaluationInterval`, and returns once `/-/ready` answers 200.
    public init(
        executable: String, jobs: [ScrapeJob], ruleFiles: [String] = [], evaluationInterval: String = "1s"
    ) throws {
        server = try LocalServerProcess(name: "prometheus")
        let directory = server.directory
        var rules: [String] = []
        for (index, file) in ruleFiles.enumerated() {
            let copy = directory + "/rules-\(index).yaml"
            try FileManager.default.copyItem(atPath: file, toPath: copy)
            rules.append(copy)
        }
        var config = """
            global:
              scrape_interval: 1s
              evaluation_interval: \(evaluationInterval)
            rule_files: [\(rules.map { "'\($0)'" }.joined(separator: ", "))]
            scrape_configs:

            """
        for job in jobs {
            config += """
                  - job_name: '\(job.name)'
                    scrape_interval: \(job.interval)
                    metrics_path: '\(job.metricsPath)'
                    static_configs:
                      - targets: [\(job.targets.map { "'\($0)'" }.joined(separator: ", "))]

                """
        }
        try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/prometheus.yml"))
        try server.start(
            executable,
            arguments: { port in
                [
                    "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                    "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
                ]
            }, readyPath: "/-/ready", timeout: 30)
    }

    /// `GET /api/v1/query?query=<promql>`: the decoded JSON body (Prometheus's `{"status","data"}`).
    public func query(_ promql: String) throws -> [String: Any] {
        try get("/api/v1/query?query=" + Self.percentEncoded(promql))
    }

    /// `GET path` against the Prometheus HTTP API, decoded as a JSON object.
    public func get(_ path: String) throws -> [String: Any] {
        let response = try httpRequest(port: port, "GET", path)
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw TestHTTPError.malformed("prometheus answered \(response.status) with a non-object body")
        }
        return object
    }

    /// Polls `condition` every 0.2 s until it holds or `timeout` passes; returns whether it held.
    public func wait(timeout: TimeInterval, until condition: () throws -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    /// Percent-encodes a query-string value (everything but RFC 3986 unreserved characters).
    public static func percentEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
