import Dispatch
import Synchronization

/// PostgreSQL through a bounded pool of libpq connections: at most `maxConnections` are open, a caller
/// waits up to `checkoutTimeout` seconds for one, and a broken connection is dropped, not reused.
final class PostgresExecutor: SQLExecutor, @unchecked Sendable {
    let dialect = SQLDialect.postgres
    let url: String
    let maxConnections: Int
    let checkoutTimeout: Double = 10
    private let idle = Mutex<[PostgresConnection]>([])
    private let slots: DispatchSemaphore

    init(url: String, maxConnections: Int = 16) throws(StorageError) {
        self.url = url
        self.maxConnections = max(2, maxConnections)
        slots = DispatchSemaphore(value: self.maxConnections)
        // Fail at start, not at the first request, when the server is unreachable.
        let first = try PostgresConnection(url: url)
        idle.withLock { $0.append(first) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (SQLConnection) throws(StorageError) -> T)
        throws(StorageError) -> T
    {
        try inTransaction(body)
    }

    /// The same as `write`: every caller already gets a pooled connection of its own.
    func backgroundWrite(_ body: (SQLConnection) throws(StorageError) -> Void) throws(StorageError) {
        try inTransaction(body)
    }

    func read<T>(_ body: (SQLConnection) throws(StorageError) -> T) throws(StorageError) -> T {
        try withConnection(body)
    }

    func dedicatedConnection() throws(StorageError) -> SQLConnection {
        try PostgresConnection(url: url)
    }

    func close() {
        idle.withLock { connections in
            connections.forEach { $0.close() }
            connections = []
        }
    }

    private func inTransaction<T>(_ body: (SQLConnection) throws(StorageError) -> T) throws(StorageError) -> T {
        try withConnection { connection throws(StorageError) in
            try connection.transaction { () throws(StorageError) in try body(connection) }
        }
    }

    private func withConnection<T>(_ body: (PostgresConnection) throws(StorageError) -> T) throws(StorageError) -> T {
        guard slots.wait(timeout: .now() + checkoutTimeout) == .success else {
            throw StorageError(.unavailable, "no PostgreSQL connection free within \(Int(checkoutTimeout)) s")
        }
        defer { slots.signal() }
        let connection: PostgresConnection
        if let pooled = idle.withLock({ $0.popLast() }) {
            connection = pooled
        } else {
            connection = try PostgresConnection(url: url)
        }
        do {
            let result = try body(connection)
            idle.withLock { $0.append(connection) }
            return result
        } catch {
            if connection.isHealthy { idle.withLock { $0.append(connection) } }
            throw error
        }
    }
}
