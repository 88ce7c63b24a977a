/// A page held back by cooldown or storm control, as the store keeps it: `page` is the caller's
/// encoding (the alerting layer's JSON), opaque here.
public struct StoredHeldPage: Sendable, Equatable {
    public let dedupKey: String
    public let groupKey: String
    public let heldSince: Double
    public let page: String

    public init(dedupKey: String, groupKey: String, heldSince: Double, page: String) {
        self.dedupKey = dedupKey
        self.groupKey = groupKey
        self.heldSince = heldSince
        self.page = page
    }
}

/// The alert suppressor's state inside one store transaction: each group's last page (its cooldown),
/// the page times in the storm window, and the pages held back for a group digest. With PostgreSQL,
/// `lock` takes the one suppression row's lock, so replicas decide pages one after the other and a
/// group pages once per cooldown across all of them; SQLite has one writer. Valid only inside the
/// transaction that made it (`IncidentTransaction.suppression`, `StateStore.updateSuppression`).
public final class SuppressionTransaction {
    let connection: SQLConnection

    init(connection: SQLConnection) {
        self.connection = connection
    }

    /// Locks the suppression state until the transaction ends. With `skipIfBusy`, returns false instead
    /// of waiting when another replica holds it (`FOR UPDATE SKIP LOCKED`: the digest claim).
    @discardableResult
    public func lock(skipIfBusy: Bool = false) throws(StorageError) -> Bool {
        guard connection.dialect == .postgres else { return true }
        let clause = skipIfBusy ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE"
        return try !connection.query("SELECT id FROM suppression_lock WHERE id = 1" + clause, []).isEmpty
    }

    /// When `group` last paged, if the store remembers.
    public func lastPage(group: String) throws(StorageError) -> Double? {
        try connection.query("SELECT last_page FROM suppression_groups WHERE group_key = ?", [.text(group)])
            .first?.first?.double
    }

    /// Every remembered group's last page.
    public func lastPages() throws(StorageError) -> [String: Double] {
        var pages: [String: Double] = [:]
        for row in try connection.query("SELECT group_key, last_page FROM suppression_groups", []) {
            if let group = row[0].string, let time = row[1].double { pages[group] = time }
        }
        return pages
    }

    /// The times of the pages sent after `since` (the storm window), oldest first.
    public func pageTimes(since: Double) throws(StorageError) -> [Double] {
        try connection.query(
            "SELECT paged_at FROM suppression_pages WHERE paged_at > ? ORDER BY paged_at", [.real(since)]
        )
        .compactMap { $0.first?.double }
    }

    /// Records a page of `group` at `at`; forgets storm-window pages at or before `windowStart` and
    /// groups whose last page is at or before `cooldownStart` (they carry no information any more).
    public func recordPage(group: String, at: Double, windowStart: Double, cooldownStart: Double)
        throws(StorageError)
    {
        _ = try connection.execute("DELETE FROM suppression_pages WHERE paged_at <= ?", [.real(windowStart)])
        _ = try connection.execute("DELETE FROM suppression_groups WHERE last_page <= ?", [.real(cooldownStart)])
        try connection.query(
            "INSERT INTO suppression_pages (group_key, paged_at) VALUES (?, ?)", [.text(group), .real(at)])
        try connection.query(
            """
            INSERT INTO suppression_groups (group_key, last_page) VALUES (?, ?)
            ON CONFLICT (group_key) DO UPDATE SET last_page = excluded.last_page
            """, [.text(group), .real(at)])
    }

    /// Holds a page for its group's digest. A key already held is updated in place (keeping when it was
    /// first held); a new one is refused (false) when `limit` pages are held already.
    public func hold(_ page: StoredHeldPage, limit: Int) throws(StorageError) -> Bool {
        let updated = try connection.execute(
            "UPDATE suppression_held SET group_key = ?, page = ? WHERE dedup_key = ?",
            [.text(page.groupKey), .text(page.page), .text(page.dedupKey)])
        if updated > 0 { return true }
        let held = try connection.query("SELECT COUNT(*) FROM suppression_held", []).first?.first?.int ?? 0
        guard held < limit else { return false }
        try connection.query(
            "INSERT INTO suppression_held (dedup_key, group_key, held_since, page) VALUES (?, ?, ?, ?)",
            [.text(page.dedupKey), .text(page.groupKey), .real(page.heldSince), .text(page.page)])
        return true
    }

    /// Stops holding `dedupKey`; returns whether it was held.
    @discardableResult
    public func release(dedupKey: String) throws(StorageError) -> Bool {
        try connection.execute("DELETE FROM suppression_held WHERE dedup_key = ?", [.text(dedupKey)]) > 0
    }

    /// The held pages whose incident is still open, oldest first; held pages of incidents that closed
    /// meanwhile are forgotten.
    public func heldPages() throws(StorageError) -> [StoredHeldPage] {
        _ = try connection.execute(
            "DELETE FROM suppression_held WHERE dedup_key NOT IN (SELECT dedup_key FROM incidents)", [])
        return try connection.query(
            "SELECT dedup_key, group_key, held_since, page FROM suppression_held ORDER BY held_since, dedup_key", []
        ).compactMap { row in
            guard let key = row[0].string, let group = row[1].string, let since = row[2].double,
                let page = row[3].string
            else { return nil }
            return StoredHeldPage(dedupKey: key, groupKey: group, heldSince: since, page: page)
        }
    }

    /// Adds an event to the outbox in this transaction (a digest page).
    public func enqueue(_ event: OutboxEvent) throws(StorageError) {
        try StateStore.insertOutbox(event, connection)
    }
}

extension IncidentTransaction {
    /// The suppression state in this incident decision's transaction.
    public var suppression: SuppressionTransaction { SuppressionTransaction(connection: connection) }
}

extension StateStore {
    /// Runs `body` on the suppression state as one committed transaction (the digest claim).
    public func updateSuppression<T: Sendable>(
        _ body: @escaping @Sendable (SuppressionTransaction) throws(StorageError) -> T
    ) throws(StorageError) -> T {
        try executor.write { connection throws(StorageError) in
            try body(SuppressionTransaction(connection: connection))
        }
    }
}
