import Glibc
import SystemIO

/// Everything riskd must not forget, behind one interface with two backends (selected by `StateURL`):
/// SQLite for a single process, PostgreSQL for replicas that share state. Stores telemetry points,
/// incident lifecycle state, webhook delivery ids, predictions with their
/// outcome labels, and the transactional outbox.
///
/// Every method blocks the calling thread until the backend answers (a write until it is committed),
/// so callers run on workers, never on an event loop. The prediction journal is the exception: it
/// queues and returns (see `PredictionJournal`).
public final class StateStore: Sendable {
    public let url: StateURL
    let executor: any SQLExecutor
    /// SQLite only: an exclusive lock beside the database, so two processes never share one file
    /// (each would deliver the same outbox events).
    private let ownerLock: DurableFileLock?

    public init(url: StateURL, now: Double) throws(StorageError) {
        self.url = url
        switch url {
        case .sqlite(let path):
            let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(
                separator: "/")
            if !directory.isEmpty {
                do {
                    try DurableFile.createDirectory(directory)
                } catch {
                    throw StorageError(.failed, error.description)
                }
            }
            do {
                ownerLock = DurableFileLock(try DurableFile(appendingTo: path + ".lock", exclusiveLock: true))
            } catch {
                throw StorageError(.failed, "\(path) is in use by another riskd process (\(error))")
            }
            executor = try SQLiteExecutor(path: path)
        case .postgres(let url):
            ownerLock = nil
            executor = try PostgresExecutor(url: url)
        }
        try executor.read { connection throws(StorageError) in try StateSchema.migrate(connection, now: now) }
        if case .sqlite = url {
            // This process owns the file: leases held by a killed predecessor are void.
            try executor.write { connection throws(StorageError) in
                _ = try connection.execute("UPDATE outbox SET lease_until = 0 WHERE lease_until > 0", [])
            }
        }
    }

    /// Commits what is queued and closes the connections.
    public func close() {
        executor.close()
        ownerLock?.file.close()
    }

    /// Whether replicas may share this store (delivery then uses row locks, not in-process leases).
    public var isShared: Bool {
        if case .postgres = url { return true }
        return false
    }
}

/// Holds the SQLite owner lock's file open for the store's lifetime.
final class DurableFileLock: @unchecked Sendable {
    let file: DurableFile
    init(_ file: DurableFile) { self.file = file }
}

extension StateStore {
    /// Bytes PostgreSQL uses for `table` with its indexes and TOAST (capacity planning and the bench);
    /// nil with SQLite, whose whole file is the measure.
    public func postgresTableBytes(_ table: String) throws(StorageError) -> Int? {
        guard isShared else { return nil }
        return try executor.read { connection throws(StorageError) in
            try connection.query("SELECT pg_total_relation_size(CAST(? AS regclass))", [.text(table)]).first?.first?.int
        }
    }
}
