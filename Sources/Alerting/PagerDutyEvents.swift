import Crypto
import JSON
import Storage

/// Builds PagerDuty Events API v2 requests (trigger / acknowledge / resolve) as outbox events.
///
/// riskd pages through the outbox so a PagerDuty outage or 429 delays pages instead of losing them.
/// The dedup key is stable per model and entity, so every update about one entity lands on one alert,
/// and the outbox orders events per dedup key so a resolve never overtakes its trigger.
public struct PagerDutyEvents: Sendable {
    /// Where to send and with which integration key.
    public struct Configuration: Sendable {
        /// The 32-character integration (routing) key.
        public var routingKey: String
        /// `https://events.pagerduty.com` in production; a local fake in tests.
        public var baseURL: String

        public init(routingKey: String, baseURL: String = "https://events.pagerduty.com") {
            self.routingKey = routingKey
            self.baseURL = baseURL
        }
    }

    /// PagerDuty's limit on `dedup_key`.
    public static let maxDedupKeyLength = 255

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// `<baseURL>/v2/enqueue`.
    public var enqueueURL: String {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/v2/enqueue"
    }

    /// `riskd/<model>/<entity>`; beyond 255 UTF-8 bytes, its first bytes (cut on a scalar boundary) then
    /// `~` and 16 hex digits of the whole key's SHA-256, so two long entities that share a prefix never
    /// share a page.
    public static func dedupKey(model: String, entity: String) -> String {
        bounded("riskd/\(model)/\(entity)")
    }

    /// The key of the page that says a model has no loaded version (one per model).
    public static func modelUnavailableKey(model: String) -> String {
        bounded("riskd-model/\(model)")
    }

    /// The key of a group's digest page (one per suppression group).
    public static func digestKey(groupKey: String) -> String {
        "riskd-digest/" + Hex.encode(Array(Digest.sha256(Array(groupKey.utf8)).prefix(8)))
    }

    static func bounded(_ key: String) -> String {
        guard key.utf8.count > maxDedupKeyLength else { return key }
        let suffix = "~" + Hex.encode(Array(Digest.sha256(Array(key.utf8)).prefix(8)))
        var prefix = key
        while prefix.utf8.count + suffix.utf8.count > maxDedupKeyLength { prefix.unicodeScalars.removeLast() }
        return prefix + suffix
    }

    /// The JSON body of a trigger.
    public func triggerBody(dedupKey: String, payload: PagerDutyAlertPayload) -> JSONValue {
        var object = envelope(action: "trigger", dedupKey: dedupKey)
        object.append("payload", .object(payload.json))
        return .object(object)
    }

    /// The JSON body of an acknowledge or resolve (they carry no payload).
    public func body(action: Action, dedupKey: String) -> JSONValue {
        .object(envelope(action: action.rawValue, dedupKey: dedupKey))
    }

    /// A trigger ready for `Outbox.enqueue`, ordered by its dedup key.
    public func trigger(dedupKey: String, payload: PagerDutyAlertPayload) -> OutboxEvent {
        outboxEvent(dedupKey: dedupKey, body: triggerBody(dedupKey: dedupKey, payload: payload))
    }

    /// An acknowledge ready for `Outbox.enqueue`.
    public func acknowledge(dedupKey: String) -> OutboxEvent {
        outboxEvent(dedupKey: dedupKey, body: body(action: .acknowledge, dedupKey: dedupKey))
    }

    /// A resolve ready for `Outbox.enqueue`.
    public func resolve(dedupKey: String) -> OutboxEvent {
        outboxEvent(dedupKey: dedupKey, body: body(action: .resolve, dedupKey: dedupKey))
    }

    /// The follow-up actions that need only the dedup key.
    public enum Action: String, Sendable {
        case acknowledge, resolve
    }

    private func envelope(action: String, dedupKey: String) -> JSONObject {
        [
            "routing_key": .string(configuration.routingKey), "event_action": .string(action),
            "dedup_key": .string(dedupKey),
        ]
    }

    private func outboxEvent(dedupKey: String, body: JSONValue) -> OutboxEvent {
        OutboxEvent(
            key: dedupKey, url: enqueueURL, headers: ["Content-Type": "application/json"], body: body.serialized())
    }
}
