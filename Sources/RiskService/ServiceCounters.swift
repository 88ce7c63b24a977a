import Features
import Metrics

/// The service's own business metrics: what was predicted, from what, and how the telemetry store is
/// doing. Request latency is recorded by the HTTP layer for every route.
struct ServiceCounters: Sendable {
    let predictions: MetricFamily<Counter>
    let telemetryPoints: MetricFamily<Counter>
    let fallbackPredictions: MetricFamily<Counter>

    init(metrics: MetricsRegistry, entities: EntityStore) {
        predictions = metrics.counterFamily(
            "riskd_predictions_total", help: "Predictions served by model, source (model/fallback) and tier.",
            labelNames: ["model", "source", "tier"])
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
