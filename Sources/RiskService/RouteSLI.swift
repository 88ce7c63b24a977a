import Metrics

/// riskd's own service-level indicators for one route, as Prometheus counters: every request counts in
/// `riskd_sli_requests_total{route, method, sli}` for both SLIs, and in `riskd_sli_good_requests_total{route, method, sli}`
/// when it was available (not a 5xx) or fast (at most the route's latency objective). The four series
/// are resolved once, at route registration, so recording is four relaxed atomic adds and no lock.
/// Prometheus sums them across replicas and computes ratios and burn rates (deploy/prometheus/rules.yaml).
struct RouteSLI: Sendable {
    let latencyObjective: Double
    private let availabilityRequests: Counter
    private let availabilityGood: Counter
    private let latencyRequests: Counter
    private let latencyGood: Counter

    init(
        route: String, method: String, latencyObjective: Double, requests: MetricFamily<Counter>,
        good: MetricFamily<Counter>
    ) {
        self.latencyObjective = latencyObjective
        availabilityRequests = requests.labels(route, method, "availability")
        availabilityGood = good.labels(route, method, "availability")
        latencyRequests = requests.labels(route, method, "latency")
        latencyGood = good.labels(route, method, "latency")
    }

    func record(status: Int, seconds: Double) {
        availabilityRequests.increment()
        latencyRequests.increment()
        if status < 500 { availabilityGood.increment() }
        if seconds <= latencyObjective { latencyGood.increment() }
    }
}
