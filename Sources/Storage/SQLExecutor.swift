/// How the store reaches its database: writes inside a transaction, reads outside one. The SQLite
/// executor funnels writes through one writer thread (group commit); the PostgreSQL executor hands
/// each caller a pooled connection. Both block the calling thread, which is therefore never an event
/// loop, and both bound their queues.
protocol SQLExecutor: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in a write transaction; returns once it is committed (durable).
    func write<T: Sendable>(_ body: @escaping @Sendable (SQLConnection) throws(StorageError) -> T)
        throws(StorageError) -> T
    /// Runs `body` in a short write transaction on the calling thread, for a best-effort writer whose
    /// thread runs at the lowest priority (the prediction journal), so its work is not done at the
    /// writer thread's priority. SQLite gives it a connection of its own (acknowledged writes wait for it
    /// only while its short transaction holds the write lock); PostgreSQL a pooled one.
    func backgroundWrite(_ body: (SQLConnection) throws(StorageError) -> Void) throws(StorageError)
    /// Runs `body` on a connection outside any explicit transaction.
    func read<T>(_ body: (SQLConnection) throws(StorageError) -> T) throws(StorageError) -> T
    /// A connection owned by the caller until it closes it (an outbox delivery worker).
    func dedicatedConnection() throws(StorageError) -> SQLConnection
    func close()
}
