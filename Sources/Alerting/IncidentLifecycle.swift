import Synchronization

/// Turns a stream of (risk, tier) observations per dedup key into trigger / resolve decisions.
///
/// Without it every scoring call above a threshold would page. A trigger is sent only when the tier
/// rises above the highest tier already paged for the open incident (none→L1, L1→L3); a resolve only
/// after the risk stayed below `resolveThreshold` for `holdSeconds` without a break (hysteresis, so a
/// risk hovering around the threshold does not flap). Only open incidents are stored, at most
/// `maxEntries`; when full, the least recently updated incident is forgotten.
public final class IncidentLifecycle: Sendable {
    /// Hysteresis and memory bounds.
    public struct Configuration: Sendable {
        /// Risk below this counts towards resolving.
        public var resolveThreshold: Double = 0.2
        /// Seconds the risk must stay below `resolveThreshold` before resolving.
        public var holdSeconds: Double = 600
        /// Most open incidents tracked.
        public var maxEntries: Int = 10_000

        public init() {}
    }

    /// One incident's state as it was, so a caller can undo an observation whose page could not be
    /// stored (the incident must not look paged when the page was never written).
    public struct Snapshot: Sendable {
        fileprivate let entry: Entry?

        /// Whether an incident was open.
        public var isOpen: Bool { entry != nil }
        /// What a state store keeps of an open incident: the highest tier paged, the hold timer, the last update.
        public var pagedTier: AlertTier? { entry?.pagedTier }
        public var belowSince: Double? { entry?.belowSince }
        public var lastUpdate: Double? { entry?.lastUpdate }

        /// An open incident read back from a state store.
        public init(pagedTier: AlertTier, belowSince: Double?, lastUpdate: Double) {
            entry = Entry(pagedTier: pagedTier, belowSince: belowSince, lastUpdate: lastUpdate)
        }

        fileprivate init(entry: Entry?) {
            self.entry = entry
        }
    }

    fileprivate struct Entry {
        var pagedTier: AlertTier
        var belowSince: Double?
        var lastUpdate: Double
    }

    public let configuration: Configuration
    private let entries = Mutex<[String: Entry]>([:])

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Records one observation for `dedupKey` at `now` (seconds, any monotonic or wall clock) and
    /// says what to send.
    public func observe(dedupKey: String, risk: Double, tier: AlertTier, now: Double) -> IncidentAction {
        entries.withLock { entries in
            guard var entry = entries[dedupKey] else {
                guard tier > .none else { return .none }
                makeRoom(in: &entries)
                entries[dedupKey] = Entry(pagedTier: tier, belowSince: nil, lastUpdate: now)
                return .trigger(tier)
            }
            entry.lastUpdate = now
            if tier > entry.pagedTier {
                entry.pagedTier = tier
                entry.belowSince = nil
                entries[dedupKey] = entry
                return .trigger(tier)
            }
            // NaN is not "below": an unknown risk never resolves an incident.
            guard risk < configuration.resolveThreshold else {
                entry.belowSince = nil
                entries[dedupKey] = entry
                return .none
            }
            let since = entry.belowSince ?? now
            if now - since >= configuration.holdSeconds {
                entries[dedupKey] = nil
                return .resolve
            }
            entry.belowSince = since
            entries[dedupKey] = entry
            return .none
        }
    }

    /// The state of `dedupKey` now, for `restore`.
    public func snapshot(dedupKey: String) -> Snapshot {
        entries.withLock { Snapshot(entry: $0[dedupKey]) }
    }

    /// Puts `dedupKey` back to a snapshot taken before an observation.
    public func restore(dedupKey: String, _ snapshot: Snapshot) {
        entries.withLock { $0[dedupKey] = snapshot.entry }
    }

    /// The highest tier paged for an open incident, or `nil` when none is open.
    public func openTier(dedupKey: String) -> AlertTier? {
        entries.withLock { $0[dedupKey]?.pagedTier }
    }

    /// Forgets an incident closed elsewhere (e.g. resolved by a human in PagerDuty), so the next
    /// high risk pages again.
    public func forget(dedupKey: String) {
        entries.withLock { _ = $0.removeValue(forKey: dedupKey) }
    }

    public var count: Int { entries.withLock { $0.count } }

    private func makeRoom(in entries: inout [String: Entry]) {
        while entries.count >= max(1, configuration.maxEntries) {
            guard let oldest = entries.min(by: { $0.value.lastUpdate < $1.value.lastUpdate })?.key else { return }
            entries[oldest] = nil
        }
    }
}
