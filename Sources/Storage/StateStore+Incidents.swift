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

/// One incident decision in progress: reads and writes of the incident and the outbox, committed
/// together or not at all (the transactional outbox). With
/// PostgreSQL, the dedup key is locked for the transaction, so replicas seeing the same tier rise
/// decide one after the other and only the first pages. Valid only inside `updateIncident`.
public final class IncidentTransaction {
    public let dedupKey: String
    let connection: SQLConnection

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

    /// Adds an event to the outbox in this transaction.
    public func enqueue(_ event: OutboxEvent) throws(StorageError) {
        try StateStore.insertOutbox(event, connection)
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
