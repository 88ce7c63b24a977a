import CPostgres
import Glibc

/// A libpq connection to PostgreSQL. Parameters and results travel as text (doubles in their
/// shortest round-trip form, so values come back bit-identical). A dropped connection surfaces as
/// `StorageError.unavailable`; the pool replaces it. One thread uses it at a time.
final class PostgresConnection: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.postgres
    private var handle: OpaquePointer?
    private var rewritten: [String: String] = [:]

    init(url: String) throws(StorageError) {
        handle = PQconnectdb(url)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(handle)
            self.handle = nil
            throw StorageError(.unavailable, "cannot connect to PostgreSQL: \(message)")
        }
        // Notices (e.g. "relation already exists, skipping") would otherwise go to stderr unstructured.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit {
        close()
    }

    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    var isHealthy: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    func executeScript(_ sql: String) throws(StorageError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql)
    }

    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> Int {
        try run(sql, parameters) { result in Int(String(cString: PQcmdTuples(result))) ?? 0 }
    }

    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> [[SQLValue]] {
        try run(sql, parameters) { result in
            (0..<PQntuples(result)).map { row in
                (0..<PQnfields(result)).map { column in
                    PQgetisnull(result, row, column) == 1
                        ? .null : .text(String(cString: PQgetvalue(result, row, column)))
                }
            }
        }
    }

    private func run<T>(_ sql: String, _ parameters: [SQLValue], _ read: (OpaquePointer?) -> T) throws(StorageError)
        -> T
    {
        let text = placeholders(sql)
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.parameterText.flatMap { strdup($0) } }
        defer { values.forEach { free($0) } }
        let result = values.map { UnsafePointer($0) }.withUnsafeBufferPointer { buffer in
            PQexecParams(handle, text, Int32(buffer.count), nil, buffer.baseAddress, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, sql)
        return read(result)
    }

    private func check(_ result: OpaquePointer?, _ sql: String) throws(StorageError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingSuffixNewlines()
            throw StorageError(isHealthy ? .failed : .unavailable, "PostgreSQL: \(message) in \(sql)")
        }
    }

    /// `?` → `$1, $2, …` (our SQL never has a `?` inside a literal).
    private func placeholders(_ sql: String) -> String {
        if let cached = rewritten[sql] { return cached }
        var output = ""
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                output += "$\(index)"
            } else {
                output.append(character)
            }
        }
        rewritten[sql] = output
        return output
    }
}

extension String {
    fileprivate func trimmingSuffixNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
