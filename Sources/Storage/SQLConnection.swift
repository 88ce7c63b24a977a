/// One open database session: what each backend's driver provides, and all the store code needs.
/// SQL uses `?` placeholders; the PostgreSQL driver rewrites them to `$n`. Not thread-safe: a
/// connection belongs to one thread at a time (the SQLite writer, a pool checkout, an outbox worker).
protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs one statement; returns the rows it produced (empty for most writes).
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> [[SQLValue]]
    /// Runs one statement and returns how many rows it changed.
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> Int
    /// Runs several `;`-separated statements without parameters (schema scripts).
    func executeScript(_ sql: String) throws(StorageError)
    func close()
}

/// The few places the two SQL dialects differ.
enum SQLDialect: Sendable {
    case sqlite, postgres

    var beginWrite: String { self == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN" }
    var autoIncrementKey: String { self == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY" }
}

extension SQLConnection {
    /// `body` inside one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws(StorageError) -> T) throws(StorageError) -> T {
        try executeScript(dialect.beginWrite)
        do {
            let result = try body()
            try executeScript("COMMIT")
            return result
        } catch {
            try? executeScript("ROLLBACK")
            throw error
        }
    }
}
