/// The store's tables, created and upgraded on start. Each migration runs once, in order, inside a
/// transaction, and is recorded in `schema_migrations`; with PostgreSQL an advisory lock keeps two
/// replicas starting at once from migrating twice.
enum StateSchema {
    static func migrations(_ dialect: SQLDialect) -> [String] {
        let real = "DOUBLE PRECISION"
        return [
            """
            CREATE TABLE telemetry_points (entity TEXT NOT NULL, metric TEXT NOT NULL, ts \(real) NOT NULL,
                value \(real) NOT NULL, PRIMARY KEY (entity, metric, ts));
            CREATE INDEX telemetry_points_ts ON telemetry_points (ts);
            CREATE TABLE entity_labels (entity TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (entity, name));
            CREATE TABLE incidents (dedup_key TEXT PRIMARY KEY, paged_tier TEXT NOT NULL, below_since \(real),
                last_update \(real) NOT NULL);
            CREATE TABLE webhook_deliveries (id TEXT PRIMARY KEY, seen_at \(real) NOT NULL);
            CREATE TABLE predictions (id TEXT PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL,
                entity TEXT NOT NULL, risk \(real) NOT NULL, tier TEXT NOT NULL, ts \(real) NOT NULL,
                label INTEGER, source TEXT);
            CREATE INDEX predictions_entity ON predictions (entity, ts);
            CREATE INDEX predictions_ts ON predictions (ts);
            CREATE TABLE outbox (seq \(dialect.autoIncrementKey), id TEXT NOT NULL UNIQUE, event_key TEXT NOT NULL,
                url TEXT NOT NULL, headers TEXT NOT NULL, body TEXT NOT NULL, created_at \(real) NOT NULL,
                not_before \(real) NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
                lease_until \(real) NOT NULL DEFAULT 0);
            CREATE INDEX outbox_key ON outbox (event_key, seq);
            """,
            """
            CREATE TABLE suppression_lock (id INTEGER PRIMARY KEY);
            INSERT INTO suppression_lock (id) VALUES (1);
            CREATE TABLE suppression_groups (group_key TEXT PRIMARY KEY, last_page \(real) NOT NULL);
            CREATE TABLE suppression_pages (group_key TEXT NOT NULL, paged_at \(real) NOT NULL);
            CREATE INDEX suppression_pages_at ON suppression_pages (paged_at);
            CREATE TABLE suppression_held (dedup_key TEXT PRIMARY KEY, group_key TEXT NOT NULL,
                held_since \(real) NOT NULL, page TEXT NOT NULL);
            """,
        ]
    }

    /// Applies every migration the database lacks.
    static func migrate(_ connection: SQLConnection, now: Double) throws(StorageError) {
        let dialect = connection.dialect
        try connection.executeScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION)")
        try connection.transaction { () throws(StorageError) in
            if dialect == .postgres { try connection.query("SELECT pg_advisory_xact_lock(7355608)", []) }
            let applied = try connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [])
            let current = applied.first?.first?.int ?? 0
            for (index, script) in migrations(dialect).enumerated() where index + 1 > current {
                try connection.executeScript(script)
                try connection.query(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                    [.integer(Int64(index + 1)), .real(now)])
            }
        }
    }
}
