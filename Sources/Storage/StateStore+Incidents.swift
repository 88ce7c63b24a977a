/// The lifecycle state of one open incident (per model and entity, keyed by its dedup key).
public struct StoredIncident: Sendable, Equatable {
    public let dedupKey: String
    /// The highest tier paged for it.
    public var pagedTier: String
    /// When the risk fell below the resolve threshold without a break since (the hold timer).
    public var belowSince: Double?
    public var lastUpdate: Double

    public init(dedupKey: String, pagedTier: String, belowSince: Double?, lastUpdate: Double) {
        self.dedupKey = dedupKey
        self.pagedTier = pagedTier
        self.belowSince = belowSince
        self.lastUpdate = lastUpdate
    }
}

/// One incident decision in progress: reads and writes of the incident, the suppression counters
/// and the outbox, all committed together or not at all (the transactional outbox). With
/// PostgreSQL, the dedup key is locked for the transaction, so replicas seeing the same tier rise
/// decide one after the other and only the first pages. Valid only inside `updateIncident`.
public final class IncidentTransaction {
    public let dedupKey: String
    let connection: SQLConnection
    private var suppressionLocked = false

    init(dedupKey: String, connection: SQLConnection) {
        self.dedupKey = dedupKey
        self.connection = connection
    }

    public func incident() throws(StorageError) -> StoredIncident? {
        try connection.query(
            "SELECT paged_tier, below_since, last_update FROM incidents WHERE dedup_key = ?", [.text(dedupKey)]
        ).first.flatMap { row in
            guard let tier = row[0].string, let update = row[2].double else { return nil }
            return StoredIncident(dedupKey: dedupKey, pagedTier: tier, belowSince: row[1].double, lastUpdate: update)
        }
    }

    /// Stores the incident, or deletes it for `nil` (resolved or forgotten).
    public func save(_ incident: StoredIncident?) throws(StorageError) {
        guard let incident else {
            _ = try connection.execute("DELETE FROM incidents WHERE dedup_key = ?", [.text(dedupKey)])
            return
        }
        try connection.query(
            """
            INSERT INTO incidents (dedup_key, paged_tier, below_since, last_update) VALUES (?, ?, ?, ?)
            ON CONFLICT (dedup_key) DO UPDATE SET paged_tier = excluded.paged_tier,
                below_since = excluded.below_since, last_update = excluded.last_update
            """,
            [.text(dedupKey), .text(incident.pagedTier), SQLValue(incident.belowSince), .real(incident.lastUpdate)])
    }

    /// When the suppression group last paged, if ever.
    public func lastPage(group: String) throws(StorageError) -> Double? {
        try lockSuppression()
        return try connection.query("SELECT last_page FROM suppression_groups WHERE group_key = ?", [.text(group)])
            .first?.first?.double
    }

    /// Pages sent after `start` (storm protection), forgetting older ones.
    public func pages(since start: Double) throws(StorageError) -> Int {
        try lockSuppression()
        _ = try connection.execute("DELETE FROM suppression_pages WHERE at <= ?", [.real(start)])
        return try connection.query("SELECT COUNT(*) FROM suppression_pages", []).first?.first?.int ?? 0
    }

    public func recordPage(group: String, at time: Double) throws(StorageError) {
        try lockSuppression()
        try connection.query("INSERT INTO suppression_pages (at) VALUES (?)", [.real(time)])
        try connection.query(
            """
            INSERT INTO suppression_groups (group_key, last_page) VALUES (?, ?)
            ON CONFLICT (group_key) DO UPDATE SET last_page = excluded.last_page
            """, [.text(group), .real(time)])
    }

    /// Adds an event to the outbox in this transaction.
    public func enqueue(_ event: StoredOutboxEvent) throws(StorageError) {
        try StateStore.insertOutbox(event, connection)
    }

    /// Suppression counters are shared by all keys: one replica at a time updates them.
    private func lockSuppression() throws(StorageError) {
        guard connection.dialect == .postgres, !suppressionLocked else { return }
        try connection.query("SELECT pg_advisory_xact_lock(7355609)", [])
        suppressionLocked = true
    }
}

extension StateStore {
    /// Runs one incident decision as a single committed transaction (see `IncidentTransaction`).
    public func updateIncident<T: Sendable>(
        dedupKey: String, _ body: @escaping @Sendable (IncidentTransaction) throws(StorageError) -> T
    ) throws(StorageError) -> T {
        try executor.write { connection throws(StorageError) in
            if connection.dialect == .postgres {
                try connection.query("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [.text(dedupKey)])
            }
            return try body(IncidentTransaction(dedupKey: dedupKey, connection: connection))
        }
    }

    /// Every stored open incident.
    public func incidents() throws(StorageError) -> [StoredIncident] {
        try executor.read { connection throws(StorageError) in
            try connection.query("SELECT dedup_key, paged_tier, below_since, last_update FROM incidents", [])
                .compactMap { row in
                    guard let key = row[0].string, let tier = row[1].string, let update = row[3].double else {
                        return nil
                    }
                    return StoredIncident(dedupKey: key, pagedTier: tier, belowSince: row[2].double, lastUpdate: update)
                }
        }
    }

    /// Remembers a webhook delivery id for `ttl` seconds: true the first time (within the TTL), false
    /// for a redelivery. Atomic across replicas.
    public func recordDelivery(id: String, now: Double, ttl: Double) throws(StorageError) -> Bool {
        try executor.write { connection throws(StorageError) in
            try connection.execute(
                """
                INSERT INTO webhook_deliveries (id, seen_at) VALUES (?, ?)
                ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at WHERE webhook_deliveries.seen_at <= ?
                """, [.text(id), .real(now), .real(now - ttl)]) == 1
        }
    }

    /// Forgets delivery ids older than `cutoff`.
    @discardableResult
    public func pruneDeliveries(before cutoff: Double) throws(StorageError) -> Int {
        try executor.write { connection throws(StorageError) in
            try connection.execute("DELETE FROM webhook_deliveries WHERE seen_at <= ?", [.real(cutoff)])
        }
    }
}
