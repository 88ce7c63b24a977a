import Foundation

/// One outbound HTTP POST that the outbox must deliver at least once.
///
/// Events with the same `key` are delivered strictly in enqueue order (PagerDuty needs a trigger to
/// arrive before its resolve); different keys are independent.
public struct OutboxEvent: Sendable, Equatable {
    /// Unique per event; acks in the log refer to it.
    public let id: String
    /// Ordering key, e.g. the PagerDuty dedup key.
    public let key: String
    public let url: String
    public let headers: [String: String]
    public let body: [UInt8]
    /// Unix seconds when the event was created.
    public let createdAt: Double

    public init(
        id: String = UUID().uuidString.lowercased(), key: String, url: String, headers: [String: String] = [:],
        body: [UInt8], createdAt: Double = Date().timeIntervalSince1970
    ) {
        self.id = id
        self.key = key
        self.url = url
        self.headers = headers
        self.body = body
        self.createdAt = createdAt
    }
}
