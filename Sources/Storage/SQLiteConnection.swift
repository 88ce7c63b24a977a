import CSQLite
import Glibc

/// A connection to the embedded SQLite database file, with a cache of prepared statements.
///
/// Opened in WAL mode with `synchronous=FULL` (unless asked for `.normal`, for best-effort writers): a
/// committed transaction is in the fsynced WAL before `COMMIT` returns, so it survives kill -9 and power
/// loss; readers on other connections never block
/// the writer. The database file is created 0600. Sendable only to move between a pool and its
/// borrower: one thread uses it at a time.
final class SQLiteConnection: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.sqlite
    let path: String
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    /// SQLite's `synchronous` setting: whether COMMIT waits for an fsync of the WAL.
    enum Synchronous: String {
        case full = "FULL"
        case normal = "NORMAL"
    }

    init(path: String, synchronous: Synchronous = .full) throws(StorageError) {
        self.path = path
        let created = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard created >= 0 else {
            throw StorageError(.failed, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        Glibc.close(created)
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            handle = nil
            throw StorageError(.failed, "cannot open SQLite database \(path): \(message)")
        }
        sqlite3_busy_timeout(handle, 10_000)
        try executeScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=\(synchronous.rawValue); PRAGMA foreign_keys=ON")
    }

    deinit {
        close()
    }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite3_close(handle) }
        handle = nil
    }

    func executeScript(_ sql: String) throws(StorageError) {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw StorageError(.failed, "SQLite: \(message)")
        }
    }

    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> Int {
        try query(sql, parameters)
        return Int(sqlite3_changes(handle))
    }

    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> [[SQLValue]] {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        // Text parameters are copied once into one NUL-separated buffer and bound in place (SQLITE_STATIC:
        // SQLite reads them until the reset above), instead of SQLite copying each one with its own malloc.
        var texts: [UInt8] = []
        for case .text(let text) in parameters {
            texts.append(contentsOf: text.utf8)
            texts.append(0)
        }
        return try texts.withUnsafeBufferPointer { (buffer) throws(StorageError) -> [[SQLValue]] in
            var offset = 0
            for (index, value) in parameters.enumerated() {
                let position = Int32(index + 1)
                switch value {
                case .null: sqlite3_bind_null(statement, position)
                case .integer(let number): sqlite3_bind_int64(statement, position, number)
                case .real(let number): sqlite3_bind_double(statement, position, number)
                case .text(let text):
                    let start = UnsafeRawPointer(buffer.baseAddress! + offset).assumingMemoryBound(to: CChar.self)
                    sqlite3_bind_text(statement, position, start, Int32(text.utf8.count), nil)
                    offset += text.utf8.count + 1
                }
            }
            var rows: [[SQLValue]] = []
            while true {
                switch sqlite3_step(statement) {
                case SQLITE_ROW: rows.append(row(statement))
                case SQLITE_DONE: return rows
                default: throw StorageError(.failed, "SQLite: \(String(cString: sqlite3_errmsg(handle))) in \(sql)")
                }
            }
        }
    }

    private func row(_ statement: OpaquePointer) -> [SQLValue] {
        (0..<sqlite3_column_count(statement)).map { column in
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, column))
            case SQLITE_FLOAT: .real(sqlite3_column_double(statement, column))
            case SQLITE_NULL: .null
            default: .text(sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "")
            }
        }
    }

    private func prepared(_ sql: String) throws(StorageError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw StorageError(.failed, "SQLite: \(String(cString: sqlite3_errmsg(handle))) in \(sql)")
        }
        statements[sql] = statement
        return statement
    }
}
