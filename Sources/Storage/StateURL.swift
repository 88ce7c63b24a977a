/// Where riskd keeps its state, from `--state-url` / `RISKD_STATE_URL`:
/// `sqlite://<path>` (embedded, one process) or `postgres://user@host:port/db` (shared by replicas;
/// any libpq URI, e.g. with `?sslmode=require`; the password comes from `PGPASSWORD` or `~/.pgpass`,
/// never from the URL on the command line).
public enum StateURL: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(parsing text: String) throws(StorageError) {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw StorageError(.failed, "state URL \(text): expected sqlite://<path>") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw StorageError(.failed, "state URL \(text): expected sqlite://<path> or postgres://user@host:port/db")
        }
    }

    /// The backend's name, for logs and metrics.
    public var backend: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }

    /// Safe to log: a password in a PostgreSQL URL is masked.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite://" + path
        case .postgres(let url):
            guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"),
                let colon = url[scheme.upperBound..<at].firstIndex(of: ":")
            else { return url }
            return String(url[..<colon]) + ":***" + String(url[at...])
        }
    }
}
