import Foundation
import RiskdTesting
import Testing

@testable import RiskService

@Suite struct ServiceLevelObjectivesTests {
    @Test func routeSLICountsPerMinuteWithinTheWindow() {
        let sli = RouteSLI(route: "/x", latencyThreshold: 0.1)
        let now = 1_800_000_000.0
        sli.record(status: 200, seconds: 0.01, now: now - 3_600)  // outside a 5-minute window
        sli.record(status: 200, seconds: 0.01, now: now - 120)
        sli.record(status: 503, seconds: 0.01, now: now - 60)
        sli.record(status: 200, seconds: 0.5, now: now)
        #expect(sli.counts(window: 300, now: now) == RouteSLI.Counts(total: 3, available: 2, fast: 2))
        #expect(sli.counts(window: 7_200, now: now) == RouteSLI.Counts(total: 4, available: 3, fast: 3))
        // A minute three days old has been overwritten by the ring, not double counted.
        sli.record(status: 200, seconds: 0.01, now: now + Double(RouteSLI.minutes) * 60)
        #expect(sli.counts(window: 60, now: now + Double(RouteSLI.minutes) * 60).total == 1)
    }

    @Test func burnRatesPerRouteAreInMetrics() throws {
        let running = try RunningService()
        for _ in 0..<4 { _ = try running.request("GET", "/livez") }
        _ = try running.request("POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {}}]}"#)
        let metrics = try running.request("GET", "/metrics").text
        #expect(metrics.contains(#"riskd_slo_burn_rate{route="/livez",sli="availability",window="5m"} 0"#))
        // Every route that saw traffic has a series for every window, latency included.
        #expect(metrics.contains(#"riskd_slo_burn_rate{route="/v1/models/{name}/predict",sli="latency",window="3d"}"#))
        #expect(metrics.contains(#"riskd_slo_target{sli="availability"} 0.999"#))
    }
}
