import Metrics
import Synchronization

/// The latency series of one route and method, one per usual status code, each resolved on first use
/// and then read without a lock, so a request does not take the metric family's lock (shared by every
/// loop) or build label strings. Unusual statuses go through the family.
final class RouteSeries: Sendable {
    let route: String
    let method: String
    private let family: MetricFamily<Histogram>
    private let slots: [Slot]

    static let statuses = [200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503]

    private final class Slot: Sendable {
        let series = AtomicLazyReference<Histogram>()
    }

    init(route: String, method: String, family: MetricFamily<Histogram>) {
        self.route = route
        self.method = method
        self.family = family
        slots = Self.statuses.map { _ in Slot() }
    }

    func histogram(status: Int) -> Histogram {
        guard let index = Self.statuses.firstIndex(of: status) else {
            return family.labels(route, method, String(status))
        }
        if let series = slots[index].series.load() { return series }
        return slots[index].series.storeIfNil(family.labels(route, method, String(status)))
    }
}
