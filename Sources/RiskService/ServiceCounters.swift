import Features
import Metrics

/// The service's own business metrics: which build runs, what was predicted by which model version, from
/// what, and how the telemetry store is doing. Request latency is recorded by the HTTP layer for every route.
struct ServiceCounters: Sendable {
    let predictions: MetricFamily<Counter>
    let telemetryPoints: MetricFamily<Counter>
    let fallbackPredictions: MetricFamily<Counter>
    let retrainingRequests: MetricFamily<Counter>
    /// Pages waiting in the state store's outbox (a replica's file outbox is `riskd_outbox_events_queued`),
    /// refreshed every few seconds off the loops, never at scrape time.
    let storeOutboxQueued: Gauge

    init(metrics: MetricsRegistry, entities: EntityStore) {
        metrics.gaugeFamily(
            "riskd_build_info", help: "Always 1: the riskd release and the git commit it was built from.",
            labelNames: ["version", "revision"]
        ).labels(riskdVersion, riskdRevision).set(1)
        // Versions are those of loaded models (series of unloaded versions are dropped), or "none" for
        // fallback answers given without a loaded version.
        predictions = metrics.counterFamily(
            "riskd_predictions_total",
            help: "Predictions served by model, model version, source (model/fallback) and tier.",
            labelNames: ["model", "version", "source", "tier"])
        retrainingRequests = metrics.counterFamily(
            "riskd_retraining_requests_total",
            help: "Times a model version's drift breached the retraining policy and retraining was requested.",
            labelNames: ["model"])
        storeOutboxQueued = metrics.gauge(
            "riskd_outbox_store_events_queued",
            help: "Events (pages) waiting in the state store's outbox; on PostgreSQL one queue shared by all replicas.")
        fallbackPredictions = metrics.counterFamily(
            "riskd_fallback_predictions_total",
            help: "Answers from a manifest's fallback rules instead of the model, by model and reason "
                + "(model_unavailable, missing_features).", labelNames: ["model", "reason"])
        telemetryPoints = metrics.counterFamily(
            "riskd_telemetry_points_total", help: "Telemetry points received by outcome.", labelNames: ["outcome"])
        metrics.collect("riskd_entities", help: "Entities with telemetry state.", type: "gauge", labelNames: []) {
            [([], Double(entities.entityCount))]
        }
        metrics.collect(
            "riskd_entity_points", help: "Telemetry points held in rolling windows.", type: "gauge", labelNames: []
        ) { [([], Double(entities.pointCount))] }
        metrics.collect(
            "riskd_entity_store_bytes", help: "Approximate memory held by the telemetry store.", type: "gauge",
            labelNames: []
        ) { [([], Double(entities.approximateMemoryBytes))] }
    }
}
