import Features

/// An entity's stored telemetry: its points in time order and its labels.
public struct StoredTelemetry: Sendable, Equatable {
    public let entity: String
    public let points: [MetricPoint]
    public let labels: [String: String]
}

extension StateStore {
    /// Durably records points (same entity, metric and timestamp: last write wins) and labels;
    /// returns once committed, so the caller may answer 2xx. In the same transaction, points of the
    /// touched metrics at or before `latest − retention[metric]` are deleted: exactly the points the
    /// in-memory window drops, so storage stays bounded and a replay rebuilds the same window. Likewise
    /// only the newest `maxPointsPerSeries` points of each touched metric are kept.
    public func appendTelemetry(
        entity: String, points: [MetricPoint], labels: [String: String], retention: [String: Double] = [:],
        maxPointsPerSeries: Int? = nil
    ) throws(StorageError) {
        guard !points.isEmpty || !labels.isEmpty else { return }
        var latest: [PointKey: Double] = [:]
        for point in points { latest[PointKey(metric: point.metric, timestamp: point.timestamp)] = point.value }
        let unique = latest.map { MetricPoint(metric: $0.key.metric, timestamp: $0.key.timestamp, value: $0.value) }
        try executor.write { connection throws(StorageError) in
            if connection.dialect == .postgres, !unique.isEmpty {
                // One statement per batch: a round trip per point would cap ingest at a few thousand/s.
                try connection.query(
                    """
                    INSERT INTO telemetry_points (entity, metric, ts, value)
                    SELECT ?, * FROM unnest(?::text[], ?::float8[], ?::float8[])
                    ON CONFLICT (entity, metric, ts) DO UPDATE SET value = excluded.value
                    """,
                    [
                        .text(entity), .text(PostgresArray.text(unique.map(\.metric))),
                        .text(PostgresArray.numbers(unique.map(\.timestamp))),
                        .text(PostgresArray.numbers(unique.map(\.value))),
                    ])
            } else {
                for point in unique {
                    try connection.query(
                        """
                        INSERT INTO telemetry_points (entity, metric, ts, value) VALUES (?, ?, ?, ?)
                        ON CONFLICT (entity, metric, ts) DO UPDATE SET value = excluded.value
                        """, [.text(entity), .text(point.metric), .real(point.timestamp), .real(point.value)])
                }
            }
            for metric in Set(unique.map(\.metric)) {
                if let maxPointsPerSeries {
                    _ = try connection.execute(
                        """
                        DELETE FROM telemetry_points WHERE entity = ? AND metric = ? AND ts < (
                            SELECT ts FROM telemetry_points WHERE entity = ? AND metric = ?
                            ORDER BY ts DESC LIMIT 1 OFFSET ?)
                        """,
                        [
                            .text(entity), .text(metric), .text(entity), .text(metric),
                            .integer(Int64(max(0, maxPointsPerSeries - 1))),
                        ])
                }
                guard let keep = retention[metric] else { continue }
                _ = try connection.execute(
                    """
                    DELETE FROM telemetry_points WHERE entity = ? AND metric = ? AND ts <= (
                        SELECT MAX(ts) FROM telemetry_points WHERE entity = ? AND metric = ?) - ?
                    """, [.text(entity), .text(metric), .text(entity), .text(metric), .real(keep)])
            }
            for (name, value) in labels {
                try connection.query(
                    """
                    INSERT INTO entity_labels (entity, name, value) VALUES (?, ?, ?)
                    ON CONFLICT (entity, name) DO UPDATE SET value = excluded.value
                    """, [.text(entity), .text(name), .text(value)])
            }
        }
    }

    private struct PointKey: Hashable {
        let metric: String
        let timestamp: Double
    }

    /// The entity's points with timestamps after `since` (all when nil) in time order, or nil when
    /// the store has nothing for it.
    public func telemetry(entity: String, since: Double? = nil) throws(StorageError) -> StoredTelemetry? {
        try executor.read { connection throws(StorageError) in
            let rows = try connection.query(
                "SELECT metric, ts, value FROM telemetry_points WHERE entity = ? AND ts > ? ORDER BY ts, metric",
                [.text(entity), .real(since ?? -Double.greatestFiniteMagnitude)])
            let labelRows = try connection.query(
                "SELECT name, value FROM entity_labels WHERE entity = ?", [.text(entity)])
            guard !rows.isEmpty || !labelRows.isEmpty else { return nil }
            let points = rows.compactMap { row -> MetricPoint? in
                guard let metric = row[0].string, let time = row[1].double, let value = row[2].double else {
                    return nil
                }
                return MetricPoint(metric: metric, timestamp: time, value: value)
            }
            var labels: [String: String] = [:]
            for row in labelRows {
                if let name = row[0].string, let value = row[1].string { labels[name] = value }
            }
            return StoredTelemetry(entity: entity, points: points, labels: labels)
        }
    }

    /// Every entity with stored telemetry or labels.
    public func telemetryEntities() throws(StorageError) -> [String] {
        try executor.read { connection throws(StorageError) in
            try connection.query(
                "SELECT entity FROM entity_labels UNION SELECT DISTINCT entity FROM telemetry_points", []
            ).compactMap { $0.first?.string }
        }
    }

    /// Deletes points no window can reach any more; returns how many.
    @discardableResult
    public func pruneTelemetry(before cutoff: Double) throws(StorageError) -> Int {
        try executor.write { connection throws(StorageError) in
            try connection.execute("DELETE FROM telemetry_points WHERE ts < ?", [.real(cutoff)])
        }
    }
}
