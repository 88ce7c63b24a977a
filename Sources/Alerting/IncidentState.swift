import JSON
import Synchronization

/// Which incidents are open in PagerDuty right now, keyed by dedup key, as learned from PagerDuty's
/// v3 webhooks (and from our own triggers).
///
/// The suppressor consults it to avoid paging again for something a human is already handling.
/// Bounded: past `maxEntries` the incident opened longest ago is forgotten.
public final class IncidentState: Sendable {
    /// One open incident.
    public struct Incident: Sendable, Equatable {
        public var dedupKey: String
        public var incidentID: String?
        public var title: String?
        /// "triggered" or "acknowledged".
        public var status: String
        public var openedAt: Double
    }

    public let maxEntries: Int
    private let incidents = Mutex<[String: Incident]>([:])

    public init(maxEntries: Int = 10_000) {
        self.maxEntries = max(1, maxEntries)
    }

    /// Marks an incident open (or updates its status).
    public func open(dedupKey: String, incidentID: String? = nil, title: String? = nil, status: String, at now: Double)
    {
        incidents.withLock { incidents in
            if var existing = incidents[dedupKey] {
                existing.status = status
                existing.incidentID = incidentID ?? existing.incidentID
                existing.title = title ?? existing.title
                incidents[dedupKey] = existing
                return
            }
            while incidents.count >= maxEntries {
                guard let oldest = incidents.min(by: { $0.value.openedAt < $1.value.openedAt })?.key else { break }
                incidents[oldest] = nil
            }
            incidents[dedupKey] = Incident(
                dedupKey: dedupKey, incidentID: incidentID, title: title, status: status, openedAt: now)
        }
    }

    /// Marks an incident closed; returns whether it was open.
    @discardableResult
    public func close(dedupKey: String) -> Bool {
        incidents.withLock { $0.removeValue(forKey: dedupKey) != nil }
    }

    /// Applies a PagerDuty webhook: triggered/acknowledged open, resolved closes, others are ignored.
    /// Events without a dedup key (`incident_key`) cannot be matched and are ignored.
    public func apply(_ event: PagerDutyWebhookEvent, now: Double) {
        guard let dedupKey = event.dedupKey else { return }
        switch event.kind {
        case .triggered, .acknowledged:
            open(
                dedupKey: dedupKey, incidentID: event.incidentID, title: event.title,
                status: event.kind == .triggered ? "triggered" : "acknowledged", at: now)
        case .resolved:
            close(dedupKey: dedupKey)
        case .other:
            break
        }
    }

    public func isOpen(dedupKey: String) -> Bool {
        incidents.withLock { $0[dedupKey] != nil }
    }

    public func incident(dedupKey: String) -> Incident? {
        incidents.withLock { $0[dedupKey] }
    }

    public var count: Int { incidents.withLock { $0.count } }

    /// `{"open": [{"dedup_key", "incident_id", "title", "status", "opened_at"}]}`, oldest first.
    public func json() -> JSONValue {
        let open = incidents.withLock { $0.values.sorted { ($0.openedAt, $0.dedupKey) < ($1.openedAt, $1.dedupKey) } }
        let items: [JSONValue] = open.map { incident in
            [
                "dedup_key": .string(incident.dedupKey),
                "incident_id": incident.incidentID.map(JSONValue.string) ?? .null,
                "title": incident.title.map(JSONValue.string) ?? .null, "status": .string(incident.status),
                "opened_at": .finite(incident.openedAt),
            ]
        }
        return ["open": .array(items)]
    }
}
