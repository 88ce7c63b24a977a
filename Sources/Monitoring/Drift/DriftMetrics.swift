import Metrics

/// Exposes drift of every monitored model version on `/metrics` from the report of each monitor's last
/// `refresh()` (run off the event loops), so a scrape only copies numbers. Register once per registry;
/// `monitors` returns the current monitors.
public enum DriftMetrics {
    public static func register(on registry: MetricsRegistry, monitors: @escaping @Sendable () -> [DriftMonitor]) {
        let perFeature: [(String, String, KeyPath<FeatureDrift, Double?> & Sendable)] = [
            ("riskd_model_feature_psi", "Population stability index of recent feature values vs training.", \.psi),
            (
                "riskd_model_feature_ks_statistic", "Two-sample Kolmogorov-Smirnov statistic vs training sample.",
                \.ksStatistic
            ),
        ]
        for (name, help, statistic) in perFeature {
            registry.collect(name, help: help, type: "gauge", labelNames: ["model", "version", "feature"]) {
                monitors().compactMap(\.latestReport).flatMap { report in
                    report.features.compactMap { feature in
                        feature[keyPath: statistic].map { ([report.model, report.version, feature.name], $0) }
                    }
                }
            }
        }
        registry.collect(
            "riskd_model_score_ewma", help: "EWMA of the prediction score (control chart statistic).", type: "gauge",
            labelNames: ["model", "version"]
        ) {
            monitors().compactMap { monitor in
                monitor.latestReport?.ewma.map { ([monitor.model, monitor.version], $0.value) }
            }
        }
        registry.collect(
            "riskd_model_score_ewma_out_of_control", help: "1 when the score EWMA is outside its control limits.",
            type: "gauge", labelNames: ["model", "version"]
        ) {
            monitors().compactMap { monitor in
                monitor.latestReport?.ewma.map { ([monitor.model, monitor.version], $0.isOutOfControl ? 1 : 0) }
            }
        }
    }
}
