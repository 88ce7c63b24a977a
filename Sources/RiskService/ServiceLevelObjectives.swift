import Metrics
import Monitoring

/// riskd's own SLOs (availability and latency per route) and their burn rates over the SRE Workbook's
/// alerting windows, exported in /metrics so the standard multiwindow alerts can be written directly
/// against `riskd_slo_burn_rate`.
final class ServiceLevelObjectives: Sendable {
    let availabilityTarget: Double
    let latencyTarget: Double
    let latencyThreshold: Double
    static let windows: [(name: String, seconds: Double)] = [
        ("5m", 300), ("30m", 1_800), ("1h", 3_600), ("6h", 21_600), ("3d", 259_200),
    ]

    init(availabilityTarget: Double = 0.999, latencyTarget: Double = 0.99, latencyThreshold: Double = 0.1) {
        self.availabilityTarget = availabilityTarget
        self.latencyTarget = latencyTarget
        self.latencyThreshold = latencyThreshold
    }

    func tracker(route: String) -> RouteSLI {
        RouteSLI(route: route, latencyThreshold: latencyThreshold)
    }

    /// Registers the burn-rate gauges for `routes`, computed at scrape time.
    func register(_ routes: [RouteSLI], on metrics: MetricsRegistry) {
        metrics.collect(
            "riskd_slo_burn_rate",
            help: "Error-budget burn rate of riskd's own SLOs per route, SLI and window (1 = on budget).",
            type: "gauge", labelNames: ["route", "sli", "window"]
        ) { [availabilityTarget, latencyTarget] in
            var rows: [([String], Double)] = []
            for tracker in routes {
                for window in Self.windows {
                    let counts = tracker.counts(window: window.seconds)
                    guard counts.total > 0 else { continue }
                    if let rate = BurnRate.of(good: counts.available, total: counts.total, target: availabilityTarget) {
                        rows.append(([tracker.route, "availability", window.name], rate))
                    }
                    if let rate = BurnRate.of(good: counts.fast, total: counts.total, target: latencyTarget) {
                        rows.append(([tracker.route, "latency", window.name], rate))
                    }
                }
            }
            return rows
        }
        metrics.collect(
            "riskd_slo_target", help: "Targets of riskd's own SLOs.", type: "gauge", labelNames: ["sli"]
        ) { [availabilityTarget, latencyTarget] in
            [(["availability"], availabilityTarget), (["latency"], latencyTarget)]
        }
    }
}
