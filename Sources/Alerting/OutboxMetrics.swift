import Metrics

/// The outbox's Prometheus metrics, registered once per registry (same names share series).
struct OutboxMetrics: Sendable {
    let queued: Gauge
    let sent: Counter
    let retries: Counter
    let deadLetters: Counter
    let deliveryDuration: Histogram

    init(registry: MetricsRegistry) {
        queued = registry.gauge("riskd_outbox_events_queued", help: "Outbox events accepted but not yet delivered.")
        sent = registry.counter("riskd_outbox_events_sent_total", help: "Outbox events delivered with a 2xx.")
        retries = registry.counter(
            "riskd_outbox_retries_total", help: "Outbox delivery attempts that failed and will be retried.")
        deadLetters = registry.counter(
            "riskd_outbox_dead_letters_total", help: "Outbox events given up on and written to the dead-letter file.")
        deliveryDuration = registry.histogram(
            "riskd_outbox_delivery_duration_seconds", help: "Duration of one outbox delivery attempt.")
    }
}
