import Foundation
import Synchronization

/// riskd's own service-level indicators for one route: per minute, how many requests it served, how
/// many were available (not a 5xx) and how many were fast (under the latency threshold). Three days
/// of minutes are kept in a fixed ring, enough for the SRE Workbook's longest burn-rate window, in
/// bounded memory (about 100 KB per route). One lock per route keeps routes from contending.
final class RouteSLI: Sendable {
    static let minutes = 3 * 24 * 60

    struct Minute {
        var index: Int64 = -1
        var total: UInt32 = 0
        var available: UInt32 = 0
        var fast: UInt32 = 0
    }

    struct Counts: Equatable {
        var total = 0
        var available = 0
        var fast = 0
    }

    let route: String
    let latencyThreshold: Double
    private let ring: Mutex<[Minute]>

    init(route: String, latencyThreshold: Double) {
        self.route = route
        self.latencyThreshold = latencyThreshold
        ring = Mutex([Minute](repeating: Minute(), count: Self.minutes))
    }

    func record(status: Int, seconds: Double, now: Double = Date().timeIntervalSince1970) {
        let index = Int64(now / 60)
        let slot = Int(index % Int64(Self.minutes))
        ring.withLock { ring in
            if ring[slot].index != index { ring[slot] = Minute(index: index) }
            ring[slot].total &+= 1
            if status < 500 { ring[slot].available &+= 1 }
            if seconds <= latencyThreshold { ring[slot].fast &+= 1 }
        }
    }

    /// Totals over the last `window` seconds (whole minutes, including the current one).
    func counts(window: Double, now: Double = Date().timeIntervalSince1970) -> Counts {
        let current = Int64(now / 60)
        let span = Int64(max(1, min(Double(Self.minutes), (window / 60).rounded(.up))))
        return ring.withLock { ring in
            var counts = Counts()
            for minute in ring where minute.index > current - span && minute.index <= current {
                counts.total += Int(minute.total)
                counts.available += Int(minute.available)
                counts.fast += Int(minute.fast)
            }
            return counts
        }
    }
}
