import JSON

/// The fields riskd needs from a PagerDuty v3 webhook (`{"event": {...}}`).
///
/// Unknown event types are kept as `.other` so the route can answer 2xx and ignore them, as
/// PagerDuty's docs ask (the list of types grows).
public struct PagerDutyWebhookEvent: Sendable, Equatable {
    /// The incident transitions riskd reacts to.
    public enum Kind: Sendable, Equatable {
        case triggered, acknowledged, resolved
        case other(String)

        init(eventType: String) {
            switch eventType {
            case "incident.triggered": self = .triggered
            case "incident.acknowledged": self = .acknowledged
            case "incident.resolved": self = .resolved
            default: self = .other(eventType)
            }
        }
    }

    public let id: String
    public let eventType: String
    public let kind: Kind
    public let resourceType: String?
    /// ISO 8601 as sent.
    public let occurredAt: String
    /// `event.data.id` (the incident id for incident events).
    public let incidentID: String?
    /// `event.data.incident_key` (or `dedup_key` if a payload carries that name).
    public let dedupKey: String?
    public let title: String?
    public let status: String?

    /// Parses the raw body (after the signature has been verified).
    public init(body: [UInt8]) throws(PagerDutyWebhookError) {
        let root: JSONValue
        do {
            root = try JSONParser().parse(body)
        } catch {
            throw .invalidPayload(error.description)
        }
        do {
            try self.init(json: root)
        } catch {
            throw .invalidPayload(error.description)
        }
    }

    init(json root: JSONValue) throws(JSONDecodingError) {
        let event = try root.object(at: "").require("event", at: "").object(at: "event")
        id = try event.require("id", at: "event").string(at: "event.id")
        eventType = try event.require("event_type", at: "event").string(at: "event.event_type")
        kind = Kind(eventType: eventType)
        resourceType = event.optional("resource_type")?.stringValue
        occurredAt = try event.require("occurred_at", at: "event").string(at: "event.occurred_at")
        let data = try event.optional("data").map { value throws(JSONDecodingError) in
            try value.object(at: "event.data")
        }
        incidentID = data?.optional("id")?.stringValue
        dedupKey = data?.optional("incident_key")?.stringValue ?? data?.optional("dedup_key")?.stringValue
        title = data?.optional("title")?.stringValue
        status = data?.optional("status")?.stringValue
    }
}
