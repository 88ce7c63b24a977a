import Metrics

/// Exposes the outcome statistics of every observed model version on `/metrics`, from each version's
/// last published refresh (computed from the state store off the event loops), so a scrape takes time in
/// proportion to the series it writes, not to the predictions held. Register once per registry;
/// `trackers` returns the current versions (they come and go as models are loaded).
public enum OutcomeMetrics {
    public static func register(on registry: MetricsRegistry, trackers: @escaping @Sendable () -> [VersionOutcomes]) {
        let labels = ["model", "version"]
        func perVersion(_ value: @escaping @Sendable (OutcomeStatistics) -> Double?)
            -> @Sendable () -> [([String], Double)]
        {
            {
                trackers().compactMap { tracker in
                    tracker.latestStatistics.flatMap(value).map { ([tracker.model, tracker.version], $0) }
                }
            }
        }
        registry.collect(
            "riskd_model_brier_score", help: "Brier score of labeled predictions (lower is better).", type: "gauge",
            labelNames: labels, samples: perVersion(\.brierScore))
        registry.collect(
            "riskd_model_calibration_error", help: "Expected calibration error over 10 risk bins.", type: "gauge",
            labelNames: labels, samples: perVersion(\.expectedCalibrationError))
        registry.collect(
            "riskd_model_labeled_predictions", help: "Unexpired predictions with a known outcome.", type: "gauge",
            labelNames: labels, samples: perVersion { Double($0.labeled) })
        registry.collect(
            "riskd_model_false_positives", help: "Labeled negatives at or above the alerting threshold.",
            type: "gauge", labelNames: labels, samples: perVersion { Double($0.falsePositives) })
        registry.collect(
            "riskd_model_false_negatives", help: "Labeled positives below the alerting threshold.", type: "gauge",
            labelNames: labels, samples: perVersion { Double($0.falseNegatives) })
        for (name, metric, keyPath) in [
            ("riskd_model_precision_ratio", "Precision", \OutcomeStatistics.TierQuality.precision),
            ("riskd_model_recall_ratio", "Recall", \OutcomeStatistics.TierQuality.recall),
        ] {
            registry.collect(
                name, help: "\(metric) of labeled predictions at each tier threshold.", type: "gauge",
                labelNames: ["model", "version", "tier"]
            ) {
                trackers().flatMap { tracker in
                    (tracker.latestStatistics?.tiers ?? []).compactMap { quality in
                        quality[keyPath: keyPath].map { ([tracker.model, tracker.version, quality.tier.name], $0) }
                    }
                }
            }
        }
        registry.collect(
            "riskd_model_outcomes_total", help: "Outcomes (labels) accepted, by source.", type: "counter",
            labelNames: ["model", "version", "source"]
        ) {
            trackers().flatMap { tracker in
                tracker.outcomeCounts().map { ([tracker.model, tracker.version, $0.key.rawValue], Double($0.value)) }
            }
        }
    }
}
