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

    /// One status's series, stored once and then read with one atomic load: the address of a retained
    /// `Histogram` (0 until stored) in an `Atomic`, rather than an `AtomicLazyReference`, whose
    /// unspecialized `load()` looked up generic metadata on every request.
    private final class Slot: Sendable {
        private let address = Atomic<UInt>(0)

        var histogram: Histogram? {
            Self.histogram(at: address.load(ordering: .acquiring))
        }

        /// Keeps `histogram` unless another loop stored one first; returns the one kept.
        func store(_ histogram: Histogram) -> Histogram {
            let retained = Unmanaged.passRetained(histogram)
            let (exchanged, current) = address.compareExchange(
                expected: 0, desired: UInt(bitPattern: retained.toOpaque()), ordering: .acquiringAndReleasing)
            guard !exchanged, let kept = Self.histogram(at: current) else { return histogram }
            retained.release()
            return kept
        }

        deinit {
            if let pointer = UnsafeRawPointer(bitPattern: address.load(ordering: .acquiring)) {
                Unmanaged<Histogram>.fromOpaque(pointer).release()
            }
        }

        private static func histogram(at address: UInt) -> Histogram? {
            UnsafeRawPointer(bitPattern: address).map { Unmanaged<Histogram>.fromOpaque($0).takeUnretainedValue() }
        }
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
        if let series = slots[index].histogram { return series }
        return slots[index].store(family.labels(route, method, String(status)))
    }
}
