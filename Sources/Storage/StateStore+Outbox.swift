import Foundation
import JSON

/// An event claimed for delivery by one `OutboxSession`, with its failed attempts so far.
public struct ClaimedOutboxEvent: Sendable, Equatable {
    public let event: OutboxEvent
    public let sequence: Int
    public let attempts: Int
}

extension StateStore {
    /// Adds an event to the outbox on its own (events that no incident change produced).
    public func enqueueOutbox(_ event: OutboxEvent) throws(StorageError) {
        try executor.write { connection throws(StorageError) in try Self.insertOutbox(event, connection) }
    }

    /// Events not yet delivered or dead-lettered.
    public func outboxCount() throws(StorageError) -> Int {
        try executor.read { connection throws(StorageError) in
            try connection.query("SELECT COUNT(*) FROM outbox", []).first?.first?.int ?? 0
        }
    }

    /// A delivery worker's handle on the outbox; one per worker thread.
    public func outboxSession() throws(StorageError) -> OutboxSession {
        isShared ? OutboxSession(connection: try executor.dedicatedConnection()) : OutboxSession(executor: executor)
    }

    static func insertOutbox(_ event: OutboxEvent, _ connection: SQLConnection) throws(StorageError) {
        let headers = JSONValue.object(
            JSONObject(event.headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        try connection.query(
            "INSERT INTO outbox (id, event_key, url, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                .text(event.id), .text(event.key), .text(event.url),
                .text(String(decoding: headers.serialized(), as: UTF8.self)),
                .text(Data(event.body).base64EncodedString()), .real(event.createdAt),
            ])
    }
}

/// Claims outbox events for one delivery worker so that exactly one worker (of any replica) holds an
/// event at a time and each key's events go out in order: only the oldest event of a key can be
/// claimed, and it stays claimed until `complete` or `postpone`.
///
/// With PostgreSQL the claim is a `SELECT … FOR UPDATE SKIP LOCKED` on the session's own connection,
/// and the transaction stays open during delivery: if the replica dies, PostgreSQL drops the
/// connection, rolls back and unlocks the row, and another replica delivers it (at least once). With
/// SQLite (one process, enforced by a lock file) the claim is a lease column, cleared on start.
public final class OutboxSession: @unchecked Sendable {
    private let connection: SQLConnection?
    private let executor: (any SQLExecutor)?

    init(connection: SQLConnection) {
        self.connection = connection
        executor = nil
    }

    init(executor: any SQLExecutor) {
        connection = nil
        self.executor = executor
    }

    private static let select = """
        SELECT o.seq, o.id, o.event_key, o.url, o.headers, o.body, o.created_at, o.attempts FROM outbox o
        WHERE o.not_before <= ? AND o.lease_until <= ?
          AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.event_key = o.event_key AND p.seq < o.seq)
        ORDER BY o.seq LIMIT 1
        """

    /// The oldest deliverable event, claimed; nil when none is due.
    public func claim(now: Double, leaseSeconds: Double) throws(StorageError) -> ClaimedOutboxEvent? {
        if let connection {
            try connection.executeScript("BEGIN")
            do {
                guard
                    let row = try connection.query(
                        Self.select + " FOR UPDATE OF o SKIP LOCKED", [.real(now), .real(now)]
                    )
                    .first
                else {
                    try connection.executeScript("COMMIT")
                    return nil
                }
                return try Self.decode(row)
            } catch {
                try? connection.executeScript("ROLLBACK")
                throw error
            }
        }
        return try executor!.write { connection throws(StorageError) in
            guard let row = try connection.query(Self.select, [.real(now), .real(now)]).first else { return nil }
            let claimed = try Self.decode(row)
            _ = try connection.execute(
                "UPDATE outbox SET lease_until = ? WHERE seq = ?",
                [.real(now + leaseSeconds), .integer(Int64(claimed.sequence))])
            return claimed
        }
    }

    /// Delivered or dead-lettered: removes the event and releases the claim.
    public func complete(_ claimed: ClaimedOutboxEvent) throws(StorageError) {
        try finish("DELETE FROM outbox WHERE seq = ?", [.integer(Int64(claimed.sequence))])
    }

    /// A failed attempt: the event (and its key) waits until `notBefore`.
    public func postpone(_ claimed: ClaimedOutboxEvent, notBefore: Double) throws(StorageError) {
        try finish(
            "UPDATE outbox SET not_before = ?, attempts = attempts + 1, lease_until = 0 WHERE seq = ?",
            [.real(notBefore), .integer(Int64(claimed.sequence))])
    }

    public func close() {
        connection?.close()
    }

    private func finish(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) {
        if let connection {
            do {
                _ = try connection.execute(sql, parameters)
                try connection.executeScript("COMMIT")
            } catch {
                try? connection.executeScript("ROLLBACK")
                throw error
            }
            return
        }
        try executor!.write { connection throws(StorageError) in _ = try connection.execute(sql, parameters) }
    }

    private static func decode(_ row: [SQLValue]) throws(StorageError) -> ClaimedOutboxEvent {
        guard let sequence = row[0].int, let id = row[1].string, let key = row[2].string, let url = row[3].string,
            let headerText = row[4].string, let bodyText = row[5].string, let created = row[6].double,
            let body = Data(base64Encoded: bodyText)
        else { throw StorageError(.failed, "unreadable outbox row") }
        var headers: [String: String] = [:]
        if case .object(let object)? = try? JSONParser().parse(Array(headerText.utf8)) {
            for (name, value) in object { headers[name] = value.stringValue }
        }
        return ClaimedOutboxEvent(
            event: OutboxEvent(
                id: id, key: key, url: url, headers: headers, body: Array(body), createdAt: created),
            sequence: sequence, attempts: row[7].int ?? 0)
    }
}
