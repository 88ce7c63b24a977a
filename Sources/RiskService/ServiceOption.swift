import Foundation

/// One command-line flag with its environment-variable twin and default: the single table from which
/// `riskd serve --help`, the parser and the README's configuration table are all derived.
public struct ServiceOption: Sendable {
    public let flag: String
    public let environment: String
    public let defaultValue: String?
    public let help: String

    /// Every option `riskd serve` understands. Secrets are deliberately absent: they come from files
    /// named here (never from the flag value itself), so they stay out of `ps` and shell history.
    public static let all: [ServiceOption] = [
        .init("host", "0.0.0.0", "Address to listen on; `::` listens on IPv6 and IPv4."),
        .init("port", "8080", "TCP port; 0 picks a free port (logged at start)."),
        .init("models-dir", "models", "Model repository: <dir>/<model>/<version>/."),
        .init("data-dir", "data", "Writable state: outbox, audit log, prediction log."),
        .init("config", nil, "JSON policy file (tiers, suppression, PagerDuty routing, entities)."),
        .init("tokens-file", nil, "JSON bearer-token file with roles; unset: read/write open, admin off."),
        .init("log-level", "info", "debug, info, warning or error."),
        .init("event-loops", nil, "Event-loop threads; default one per core."),
        .init("max-connections", "4096", "Open connections beyond this are answered 503 and closed."),
        .init("max-body-bytes", "1048576", "Largest request body; larger is answered 413."),
        .init("max-inflight-body-bytes", "134217728", "Request bytes buffered over all connections; beyond: 503."),
        .init("probe-port", nil, "Second port serving only /livez and /readyz, outside --max-connections."),
        .init("header-timeout", "10", "Seconds for a client to send the request head."),
        .init("idle-timeout", "60", "Seconds an idle keep-alive connection stays open."),
        .init("body-timeout", "30", "Seconds for the whole request body to arrive."),
        .init("drain-delay", "5", "Seconds between SIGTERM (readyz turns 503) and closing the listener."),
        .init("grace-period", "25", "Seconds in-flight requests get after the listener closes."),
        .init("poll-interval", "30", "Seconds between model repository scans; 0 = only SIGHUP/admin."),
        .init("version-policy", "latest:2", "Versions kept loaded: latest:N, all, or specific:1,3."),
        .init("required-models", nil, "Comma-separated models that must serve before ready (default: all found)."),
        .init("auth-probes", "false", "true: /metrics and /healthz need a read token (livez/readyz stay open)."),
        .init("max-entities", "100000", "Entities with telemetry state; beyond, idle ones are evicted or 503."),
        .init("entity-idle-ttl", "86400", "Seconds without telemetry after which an entity is forgotten."),
        .init("max-telemetry-bytes", "100663296", "Telemetry store byte budget; beyond it ingest answers 507."),
        .init("max-clock-skew", "300", "Seconds a telemetry point may be ahead of the server clock; beyond: 422."),
        .init("max-outcomes-per-request", "1000", "Outcomes in one POST /v1/outcomes; more is answered 413."),
        .init("pagerduty-url", "https://events.pagerduty.com", "PagerDuty Events API base URL."),
        .init("pagerduty-routing-key-file", nil, "File holding the PagerDuty integration (routing) key."),
        .init("pagerduty-webhook-secrets-file", nil, "File with PagerDuty v3 webhook secrets, one per line."),
        .init("prediction-log-retention", "604800", "Seconds prediction-log files are kept; 0 disables the log."),
        .init(
            "state-url", nil,
            "State store: sqlite://<path> (default sqlite://<data-dir>/riskd.db) or postgres://user@host:port/db."),
        .init("prediction-store-retention", "691200", "Seconds predictions are kept in the state store for outcomes."),
        .init("prediction-store-bytes", "17179869184", "Byte cap on stored predictions; the oldest go first."),
        .init("prediction-log-sample-rate", "0.01", "Share of predictions written to the prediction log, 0 to 1."),
        .init("prediction-log-max-bytes", "268435456", "Total size of prediction-log files; oldest deleted first."),
        .init("prometheus-url", nil, "Prometheus (or Thanos/Mimir) base URL for the policy's prometheus_sources."),
        .init("prometheus-timeout", "10", "Seconds one feature query may take (also sent as its PromQL timeout)."),
        .init("prometheus-max-series", "10000", "Series one feature query may return; beyond, nothing is scored."),
        .init("prometheus-concurrency", "4", "Feature queries in flight at once against Prometheus."),
    ]

    init(_ flag: String, _ defaultValue: String?, _ help: String) {
        self.flag = flag
        self.environment = "RISKD_" + flag.uppercased().replacingOccurrences(of: "-", with: "_")
        self.defaultValue = defaultValue
        self.help = help
    }

    /// `riskd serve --help`.
    public static var usage: String {
        var lines = ["usage: riskd serve [--flag value]...", "", "Every flag has an environment twin; flags win."]
        for option in all {
            let defaultText = option.defaultValue.map { " (default: \($0))" } ?? ""
            lines.append("  --\(option.flag) / \(option.environment)\(defaultText)")
            lines.append("      \(option.help)")
        }
        return lines.joined(separator: "\n")
    }
}
