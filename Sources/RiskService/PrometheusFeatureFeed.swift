import Dispatch
import Foundation
import JSON
import Log
import Metrics
import PrometheusSource
import RiskCore
import Synchronization

/// The schedule, metrics and latest results of the policy's `prometheus_sources`: one background thread
/// evaluates each source every `interval_seconds` (its queries run on the runner's bounded pool), and the
/// latest successful evaluation of each model is kept in memory for `GET /v1/entities/{e}/risk`. Nothing
/// from Prometheus is written to the telemetry store: Prometheus (or Thanos/Mimir) stays the store.
final class PrometheusFeatureFeed: Sendable {
    /// One entity's answer from the latest successful evaluation.
    struct EntityResult: Sendable {
        let version: Int
        /// The version's feature names, and the values in that order (NaN is missing).
        let featureNames: [String]
        let features: [Double]
        let assessment: RiskAssessment
        let predictionID: String
    }

    /// One model's latest successful evaluation.
    struct ModelResults: Sendable {
        let evaluatedAt: Double
        let entities: [String: EntityResult]
    }

    /// Why an evaluation scored nothing; `reason` is the failure metric's label.
    struct Failure: Error {
        let reason: String
        let message: String
    }

    let sources: [PrometheusFeatureSource]
    let runner: PrometheusQueryRunner
    let logger: Logger
    private let latest = Mutex<[String: ModelResults]>([:])
    private let durations: MetricFamily<Histogram>
    private let evaluations: MetricFamily<Counter>
    private let failures: MetricFamily<Counter>
    private let series: MetricFamily<Gauge>
    private let scoredEntities: MetricFamily<Gauge>
    let skippedEntities: MetricFamily<Counter>
    private let lastSuccess: MetricFamily<Gauge>
    private let wake = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let exited = DispatchGroup()

    /// Evaluation duration buckets (seconds): queries take milliseconds to the timeout.
    static let durationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    init(
        sources: [PrometheusFeatureSource], client: PrometheusClient, concurrency: Int, metrics: MetricsRegistry,
        logger: Logger
    ) {
        self.sources = sources
        self.logger = logger
        runner = PrometheusQueryRunner(client: client, concurrency: concurrency)
        durations = metrics.histogramFamily(
            "riskd_prometheus_evaluation_duration_seconds",
            help: "Time to evaluate a Prometheus feature source: queries, scoring and incident decisions.",
            labelNames: ["model"], buckets: Self.durationBuckets)
        evaluations = metrics.counterFamily(
            "riskd_prometheus_evaluations_total", help: "Evaluations of a Prometheus feature source, by model.",
            labelNames: ["model"])
        failures = metrics.counterFamily(
            "riskd_prometheus_evaluation_failures_total",
            help: "Evaluations that scored nothing, by model and reason (unreachable, timeout, query_error, "
                + "http_status, bad_response, too_many_series, response_too_large, model_unavailable, "
                + "unknown_feature, scoring_error, incident_storage).", labelNames: ["model", "reason"])
        series = metrics.gaugeFamily(
            "riskd_prometheus_series_returned",
            help: "Series the feature queries of the latest evaluation returned, summed over features.",
            labelNames: ["model"])
        scoredEntities = metrics.gaugeFamily(
            "riskd_prometheus_entities_scored", help: "Entities scored by the latest successful evaluation.",
            labelNames: ["model"])
        skippedEntities = metrics.counterFamily(
            "riskd_prometheus_entities_skipped_total",
            help: "Entities returned by Prometheus but not scored, by model and reason "
                + "(invalid_entity_id, insufficient_features, not_routed).", labelNames: ["model", "reason"])
        lastSuccess = metrics.gaugeFamily(
            "riskd_prometheus_last_success_timestamp_seconds",
            help: "Unix time of the latest successful evaluation (0: none yet).", labelNames: ["model"])
        for source in sources {
            // Every series exists from the start, so "never succeeded" and "no failures" are visible.
            lastSuccess.labels(source.model).set(0)
            evaluations.labels(source.model).increment(by: 0)
        }
    }

    /// Starts the schedule: every source at once, then each every `interval_seconds`.
    func start(evaluate: @escaping @Sendable (PrometheusFeatureSource) -> Void) {
        exited.enter()
        let thread = Thread { [self] in
            defer { exited.leave() }
            var due = sources.map { _ in Date().timeIntervalSince1970 }
            while !stopping.load(ordering: .acquiring) {
                guard let next = due.indices.min(by: { due[$0] < due[$1] }) else { return }
                let wait = due[next] - Date().timeIntervalSince1970
                if wait > 0 {
                    _ = self.wake.wait(timeout: .now() + wait)
                    continue
                }
                evaluate(sources[next])
                // A late evaluation is not made up in a burst: the next one is an interval from now at the latest.
                due[next] = max(due[next] + sources[next].intervalSeconds, Date().timeIntervalSince1970)
            }
        }
        thread.name = "riskd-prometheus-schedule"
        thread.start()
    }

    /// Start-up note: model features a source leaves undeclared are always missing values.
    func warnUndeclared(features: (String) -> [String]) {
        for source in sources {
            let undeclared = source.undeclared(modelFeatures: features(source.model))
            guard !undeclared.isEmpty else { continue }
            logger.warning(
                "model features not declared in its Prometheus source are always missing",
                ["model": .string(source.model), "features": .array(undeclared.map(JSONValue.string))])
        }
    }

    /// Stops the schedule, waiting (bounded) for an evaluation in progress to finish its incident decisions.
    func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
        _ = exited.wait(timeout: .now() + runner.client.timeout + 30)
        runner.stop()
    }

    /// Times one evaluation and counts its outcome; a failure is logged once, with its reason.
    func measure(_ source: PrometheusFeatureSource, _ body: () throws(Failure) -> ModelResults) {
        let started = DispatchTime.now().uptimeNanoseconds
        evaluations.labels(source.model).increment()
        do throws(Failure) {
            let results = try body()
            latest.withLock { $0[source.model] = results }
            scoredEntities.labels(source.model).set(Double(results.entities.count))
            lastSuccess.labels(source.model).set(results.evaluatedAt)
        } catch {
            failures.labels(source.model, error.reason).increment()
            logger.warning(
                "Prometheus feature evaluation scored nothing",
                ["model": .string(source.model), "reason": .string(error.reason), "error": .string(error.message)])
        }
        durations.labels(source.model).observe(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }

    func recordSeries(model: String, count: Int) {
        series.labels(model).set(Double(count))
    }

    /// Whether `model`'s features come from Prometheus (then telemetry never scores it).
    func isSourced(_ model: String) -> Bool {
        sources.contains { $0.model == model }
    }

    /// The latest results for `entity`, per sourced model (all of them, or only `models`).
    func results(entity: String, models: [String]?) -> [(model: String, ModelResults, EntityResult)] {
        let all = latest.withLock { $0 }
        return sources.map(\.model).filter { models?.contains($0) ?? true }.compactMap { model in
            guard let results = all[model], let result = results.entities[entity] else { return nil }
            return (model, results, result)
        }
    }
}
