import JSON

/// A trigger that storm control or a group cooldown held back. It is kept, not dropped: when its group
/// may page again it goes out in that group's digest page, so nobody's failing disk waits for its next
/// telemetry sample to be noticed.
public struct DeferredPage: Sendable, Equatable {
    public var dedupKey: String
    public var entity: String
    public var model: String
    public var tier: AlertTier
    public var risk: Double
    public var labels: [String: String]
    public var reason: AlertSuppressor.Reason
    /// When it was first held back (Unix seconds).
    public var heldSince: Double

    public init(
        dedupKey: String, entity: String, model: String, tier: AlertTier, risk: Double, labels: [String: String],
        reason: AlertSuppressor.Reason, heldSince: Double
    ) {
        self.dedupKey = dedupKey
        self.entity = entity
        self.model = model
        self.tier = tier
        self.risk = risk
        self.labels = labels
        self.reason = reason
        self.heldSince = heldSince
    }

    public var json: JSONValue {
        [
            "entity": .string(entity), "model": .string(model), "tier": .string(tier.name), "risk": .finite(risk),
            "dedup_key": .string(dedupKey), "held_back_by": .string(reason.rawValue), "held_since": .finite(heldSince),
        ]
    }
}

/// Every page of one suppression group that was held back, released together as one page once the
/// group may page again (its cooldown is over and the storm window has room).
public struct GroupDigest: Sendable, Equatable {
    public let groupKey: String
    public let pages: [DeferredPage]

    public init(groupKey: String, pages: [DeferredPage]) {
        self.groupKey = groupKey
        self.pages = pages
    }

    /// The highest tier among the held-back pages (the digest pages at that urgency).
    public var tier: AlertTier { pages.map(\.tier).max() ?? .none }

    /// The labels the group is formed from, taken from its first page.
    public var labels: [String: String] { pages.first?.labels ?? [:] }
}
