/// One metric of one entity: points sorted by time in two parallel arrays, so window bounds are a binary
/// search and aggregations walk contiguous memory.
struct MetricSeries: Sendable {
    private(set) var timestamps: [Double] = []
    private(set) var values: [Double] = []
    /// The newest timestamp ever dropped because it fell out of retention (−∞ if none): a window that
    /// starts before it may have lost points, so it cannot be answered exactly any more.
    private(set) var prunedThrough = -Double.infinity

    var count: Int { timestamps.count }
    var latest: Double? { timestamps.last }

    enum Insertion {
        case inserted, replaced, tooOld
    }

    /// Inserts in time order; the same timestamp replaces (last write wins); points older than
    /// `latest − retention` are refused. Keeps at most `capacity` points, dropping the oldest.
    mutating func insert(timestamp: Double, value: Double, retention: Double, capacity: Int) -> Insertion {
        if let latest, timestamp <= latest - retention { return .tooOld }
        let index = timestamps.withUnsafeBufferPointer { WindowAggregator.firstIndex(after: timestamp, in: $0) }
        if index > 0, timestamps[index - 1] == timestamp {
            values[index - 1] = value
            return .replaced
        }
        timestamps.insert(timestamp, at: index)
        values.insert(value, at: index)
        prune(retention: retention, capacity: capacity)
        return .inserted
    }

    /// Drops points that no window can reach any more, and the oldest beyond `capacity`.
    private mutating func prune(retention: Double, capacity: Int) {
        guard let latest else { return }
        let expired = timestamps.withUnsafeBufferPointer {
            WindowAggregator.firstIndex(after: latest - retention, in: $0)
        }
        if expired > 0 { prunedThrough = max(prunedThrough, timestamps[expired - 1]) }
        let drop = max(expired, timestamps.count - capacity)
        if drop > 0 {
            timestamps.removeFirst(drop)
            values.removeFirst(drop)
        }
    }

    /// Whether a point with exactly this timestamp is held.
    func contains(_ timestamp: Double) -> Bool {
        let index = timestamps.withUnsafeBufferPointer { WindowAggregator.firstIndex(after: timestamp, in: $0) }
        return index > 0 && timestamps[index - 1] == timestamp
    }

    func evaluate(_ aggregation: Aggregation, from: Double, through: Double) -> Double {
        timestamps.withUnsafeBufferPointer { times in
            values.withUnsafeBufferPointer {
                WindowAggregator.evaluate(aggregation, timestamps: times, values: $0, from: from, through: through)
            }
        }
    }

    var approximateBytes: Int { 64 + 16 * timestamps.capacity }
}
