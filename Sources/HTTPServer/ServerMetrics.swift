import Metrics

/// The server's own metrics, created once at start and shared by all loops (atomics only on the hot path).
struct ServerMetrics: Sendable {
    let connectionsOpen: Gauge
    let connectionsTotal: Counter
    let connectionsRejected: Counter
    let receivedBytes: Counter
    let sentBytes: Counter
    let protocolErrors: MetricFamily<Counter>
    let requestsShed: Counter
    let bufferedRequestBytes: Gauge

    init(registry: MetricsRegistry) {
        connectionsOpen = registry.gauge("riskd_http_connections_open", help: "Open client connections.")
        connectionsTotal = registry.counter("riskd_http_connections_total", help: "Client connections accepted.")
        connectionsRejected = registry.counter(
            "riskd_http_connections_rejected_total", help: "Connections answered 503 because of the connection limit.")
        receivedBytes = registry.counter("riskd_http_received_bytes_total", help: "Bytes read from clients.")
        sentBytes = registry.counter("riskd_http_sent_bytes_total", help: "Bytes written to clients.")
        protocolErrors = registry.counterFamily(
            "riskd_http_protocol_errors_total", help: "Requests rejected by the parser or timed out, by status.",
            labelNames: ["status"])
        requestsShed = registry.counter(
            "riskd_http_requests_shed_total",
            help: "Requests answered 503 and closed because buffered request bytes hit their budget.")
        bufferedRequestBytes = registry.gauge(
            "riskd_http_buffered_request_bytes", help: "Request bytes buffered by all connections.")
    }
}
