import Crypto
import Foundation
import JSON
import Storage

/// Builds generic JSON webhook events (e.g. "retraining needed") as outbox events for a configured URL,
/// so integrations other than PagerDuty get the same durable, ordered, retried delivery.
///
/// With a secret, each body is signed like PagerDuty signs its webhooks: header
/// `X-Riskd-Signature: v1=<hex HMAC-SHA256 of the body>`, so receivers can reuse a PagerDuty verifier.
public struct WebhookEventBuilder: Sendable {
    /// The receiver and how to authenticate to it.
    public struct Configuration: Sendable {
        public var url: String
        /// Extra headers sent with every event (e.g. an API key).
        public var headers: [String: String]
        /// HMAC secret; `nil` sends unsigned events.
        public var signingSecret: String?

        public init(url: String, headers: [String: String] = [:], signingSecret: String? = nil) {
            self.url = url
            self.headers = headers
            self.signingSecret = signingSecret
        }
    }

    public static let signatureHeader = "X-Riskd-Signature"

    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// `{"id", "type", "occurred_at" (unix seconds), "data"}` to the configured URL, ordered by `key`.
    public func event(type: String, key: String, data: JSONObject, now: Double = Date().timeIntervalSince1970)
        -> OutboxEvent
    {
        let id = UUID().uuidString.lowercased()
        let body = JSONValue.object([
            "id": .string(id), "type": .string(type), "occurred_at": .finite(now), "data": .object(data),
        ]).serialized()
        var headers = configuration.headers
        headers["Content-Type"] = "application/json"
        if let secret = configuration.signingSecret {
            let signature = Digest.hmacSHA256(key: Array(secret.utf8), message: body)
            headers[Self.signatureHeader] = "v1=" + Hex.encode(signature)
        }
        return OutboxEvent(id: id, key: key, url: configuration.url, headers: headers, body: body, createdAt: now)
    }
}
