/// One prediction kept for the outcome join.
public struct PredictionRecord: Sendable, Equatable {
    public let id: String
    public let model: String
    public let version: String
    public let entity: String
    public let risk: Double
    public let tier: String
    public let time: Double
    /// 0/1 once an outcome labeled it.
    public var label: Int?

    public init(
        id: String, model: String, version: String, entity: String, risk: Double, tier: String, time: Double,
        label: Int? = nil
    ) {
        self.id = id
        self.model = model
        self.version = version
        self.entity = entity
        self.risk = risk
        self.tier = tier
        self.time = time
        self.label = label
    }
}

extension PredictionRecord {
    /// Bytes one stored prediction takes with its indexes (measured on SQLite with 36-byte ids; see
    /// docs/scaling.md), to turn a byte cap into a row cap.
    public static let approximateStoredBytes = 200
}

extension StateStore {
    /// Writes a batch in one statement (PostgreSQL) or one transaction (SQLite); a repeated id is kept
    /// as first written.
    /// Rows per SQLite INSERT statement (7 parameters each, far below SQLite's 32,766); each row count
    /// up to it is one cached prepared statement.
    static let rowsPerInsert = 64

    static func insertPredictions<Records: Collection<PredictionRecord>>(
        _ records: Records, _ connection: SQLConnection
    ) throws(StorageError) {
        guard !records.isEmpty else { return }
        if connection.dialect == .postgres {
            try connection.query(
                """
                INSERT INTO predictions (id, model, version, entity, risk, tier, ts)
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::float8[], ?::text[], ?::float8[])
                ON CONFLICT (id) DO NOTHING
                """,
                [
                    .text(PostgresArray.text(records.map(\.id))), .text(PostgresArray.text(records.map(\.model))),
                    .text(PostgresArray.text(records.map(\.version))), .text(PostgresArray.text(records.map(\.entity))),
                    .text(PostgresArray.numbers(records.map(\.risk))), .text(PostgresArray.text(records.map(\.tier))),
                    .text(PostgresArray.numbers(records.map(\.time))),
                ])
            return
        }
        // Up to `rowsPerInsert` rows per statement: one statement step instead of one per row.
        var rest = records[...]
        while !rest.isEmpty {
            let rows = rest.prefix(rowsPerInsert)
            rest = rest.dropFirst(rows.count)
            var parameters: [SQLValue] = []
            parameters.reserveCapacity(rows.count * 7)
            for record in rows {
                parameters += [
                    .text(record.id), .text(record.model), .text(record.version), .text(record.entity),
                    .real(record.risk), .text(record.tier), .real(record.time),
                ]
            }
            let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: rows.count).joined(separator: ", ")
            try connection.query(
                "INSERT INTO predictions (id, model, version, entity, risk, tier, ts) VALUES \(values) "
                    + "ON CONFLICT (id) DO NOTHING", parameters)
        }
    }

    /// Writes predictions and waits for the commit (tests, imports); the hot path uses `PredictionJournal`.
    public func insertPredictions(_ records: [PredictionRecord]) throws(StorageError) {
        try executor.write { connection throws(StorageError) in try Self.insertPredictions(records, connection) }
    }

    /// Labels every unlabeled prediction of `entity` (by `model`, or any model when nil) made in
    /// [from, to]; returns how many, per (model, version).
    public func labelPredictions(
        model: String?, entity: String, from: Double, to: Double, label: Int
    ) throws(StorageError) -> [PredictionRecord] {
        try executor.write { connection throws(StorageError) in
            let rows = try connection.query(
                """
                UPDATE predictions SET label = ? WHERE entity = ? AND ts >= ? AND ts <= ? AND label IS NULL
                  AND (CAST(? AS TEXT) IS NULL OR model = ?)
                RETURNING id, model, version, entity, risk, tier, ts, label
                """,
                [.integer(Int64(label)), .text(entity), .real(from), .real(to), SQLValue(model), SQLValue(model)])
            return rows.compactMap(Self.record)
        }
    }

    /// Labels one prediction by id; returns it, or nil when unknown or already labeled.
    public func labelPrediction(id: String, label: Int) throws(StorageError) -> PredictionRecord? {
        try executor.write { connection throws(StorageError) in
            try connection.query(
                """
                UPDATE predictions SET label = ? WHERE id = ? AND label IS NULL
                RETURNING id, model, version, entity, risk, tier, ts, label
                """, [.integer(Int64(label)), .text(id)]
            ).first.flatMap(Self.record)
        }
    }

    /// The labeled predictions of one model version made after `since`, oldest first (at most `limit`).
    public func labeledPredictions(model: String, version: String, since: Double, limit: Int)
        throws(StorageError) -> [PredictionRecord]
    {
        try executor.read { connection throws(StorageError) in
            try connection.query(
                """
                SELECT id, model, version, entity, risk, tier, ts, label FROM predictions
                WHERE model = ? AND version = ? AND ts > ? AND label IS NOT NULL ORDER BY ts LIMIT ?
                """, [.text(model), .text(version), .real(since), .integer(Int64(limit))]
            ).compactMap(Self.record)
        }
    }

    /// Unlabeled predictions of one model version made after `since` (still waiting for an outcome).
    public func pendingPredictions(model: String, version: String, since: Double) throws(StorageError) -> Int {
        try executor.read { connection throws(StorageError) in
            try connection.query(
                "SELECT COUNT(*) FROM predictions WHERE model = ? AND version = ? AND ts > ? AND label IS NULL",
                [.text(model), .text(version), .real(since)]
            ).first?.first?.int ?? 0
        }
    }

    public func predictionCount() throws(StorageError) -> Int {
        try executor.read { connection throws(StorageError) in
            try connection.query("SELECT COUNT(*) FROM predictions", []).first?.first?.int ?? 0
        }
    }

    /// Retention: drops predictions older than `cutoff`, then the oldest beyond `maxRows` (the byte cap
    /// divided by the measured bytes per row). Returns how many were dropped.
    @discardableResult
    public func prunePredictions(before cutoff: Double, maxRows: Int) throws(StorageError) -> Int {
        try executor.write { connection throws(StorageError) in
            var dropped = try connection.execute("DELETE FROM predictions WHERE ts < ?", [.real(cutoff)])
            if let row = try connection.query(
                "SELECT ts FROM predictions ORDER BY ts DESC LIMIT 1 OFFSET ?", [.integer(Int64(max(0, maxRows)))]
            ).first, let oldestKept = row[0].double {
                dropped += try connection.execute("DELETE FROM predictions WHERE ts <= ?", [.real(oldestKept)])
            }
            return dropped
        }
    }

    static func record(_ row: [SQLValue]) -> PredictionRecord? {
        guard let id = row[0].string, let model = row[1].string, let version = row[2].string,
            let entity = row[3].string, let risk = row[4].double, let tier = row[5].string, let time = row[6].double
        else { return nil }
        return PredictionRecord(
            id: id, model: model, version: version, entity: entity, risk: risk, tier: tier, time: time,
            label: row[7].int)
    }
}
