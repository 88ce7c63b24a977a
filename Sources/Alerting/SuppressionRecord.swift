import JSON

/// One page that `AlertSuppressor` held back, kept so operators can see why they were not paged.
public struct SuppressionRecord: Sendable, Equatable {
    public let dedupKey: String
    public let groupKey: String
    public let reason: AlertSuppressor.Reason
    public let at: Double

    public var json: JSONValue {
        [
            "dedup_key": .string(dedupKey), "group_key": .string(groupKey), "reason": .string(reason.rawValue),
            "at": .finite(at),
        ]
    }
}
