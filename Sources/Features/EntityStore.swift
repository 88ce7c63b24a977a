import Synchronization

/// Per-entity rolling windows of raw telemetry, from which features are computed on demand.
///
/// Entities are spread over shards by a stable FNV-1a hash of their id, each shard behind its own lock,
/// so agents posting for different hosts rarely contend and no request ever holds a global lock.
/// Memory is bounded at every level: points per series, metrics and labels per entity, entities in
/// total (idle ones are evicted first, then new entities are refused).
public final class EntityStore: Sendable {
    public let limits: EntityStoreLimits
    private let shards: [Shard]
    private let retention: Mutex<[String: Double]>
    private let clock: @Sendable () -> Double
    private let entities = Atomic<Int>(0)
    private let points = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    private let budgetEvictionSecond = Atomic<Int>(Int.min)

    /// One lock and the entities hashed to it (a class, because `Mutex` cannot live in an array).
    final class Shard: Sendable {
        let entities = Mutex<[String: EntityState]>([:])

        func withLock<T>(_ body: (inout [String: EntityState]) -> T) -> T {
            entities.withLock { body(&$0) }
        }
    }

    struct EntityState: Sendable {
        var series: [String: MetricSeries] = [:]
        var labels: [String: String] = [:]
        var lastIngest: Double
        var latestTimestamp = -Double.infinity

        var pointCount: Int { series.values.reduce(0) { $0 + $1.count } }
        var approximateBytes: Int {
            256 + series.reduce(0) { $0 + $1.key.utf8.count + $1.value.approximateBytes }
                + labels.reduce(0) { $0 + 64 + $1.key.utf8.count + $1.value.utf8.count }
        }
    }

    public init(limits: EntityStoreLimits, shardCount: Int = 64, clock: @escaping @Sendable () -> Double) {
        self.limits = limits
        self.clock = clock
        shards = (0..<max(1, shardCount)).map { _ in Shard() }
        retention = Mutex([:])
    }

    /// 1 to 256 bytes, no control characters: ids end up in logs, metrics-free but still printable.
    public static func isValidEntityID(_ id: String) -> Bool {
        let utf8 = id.utf8
        return !utf8.isEmpty && utf8.count <= 256 && utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F }
    }

    /// How long each metric is kept: the longest window any loaded feature spec uses for it.
    public func setRetention(_ perMetric: [String: Double]) {
        retention.withLock { $0 = perMetric }
    }

    /// How long `metric` is kept behind its series' latest point (what a durable copy may drop too).
    public func retentionSeconds(for metric: String) -> Double {
        retention.withLock { $0[metric] } ?? limits.defaultRetentionSeconds
    }

    public func ingest(entity: String, points newPoints: [MetricPoint], labels: [String: String]) throws(IngestError)
        -> IngestReport
    {
        guard Self.isValidEntityID(entity) else { throw .invalidEntityID }
        // The byte budget is checked before the batch (a batch adds at most ~16 bytes a point on top). Over it,
        // idle entities are evicted at most once a second: the scan visits every entity.
        if bytes.load(ordering: .relaxed) >= limits.maxBytes {
            let second = Int(clock().rounded(.down))
            if budgetEvictionSecond.exchange(second, ordering: .relaxed) != second { evictIdle() }
            guard bytes.load(ordering: .relaxed) < limits.maxBytes else { throw .byteBudgetExhausted(limits.maxBytes) }
        }
        let retentionByMetric = retention.withLock { $0 }
        let now = clock()
        let shard = shards[Self.shardIndex(entity, count: shards.count)]
        var created = false
        let result: Result<(IngestReport, Int, Int), IngestError> = shard.withLock { map in
            var state: EntityState
            if let existing = map[entity] {
                state = existing
                map[entity] = nil  // unique ownership while mutating avoids copy-on-write of the series
            } else {
                guard reserveEntitySlot() else { return .failure(.entityLimitReached(limits.maxEntities)) }
                created = true
                state = EntityState(lastIngest: now)
            }
            let pointsBefore = state.pointCount
            let bytesBefore = created ? 0 : state.approximateBytes
            let report = apply(newPoints, labels: labels, to: &state, retention: retentionByMetric)
            state.lastIngest = now
            let pointDelta = state.pointCount - pointsBefore
            let byteDelta = state.approximateBytes - bytesBefore
            map[entity] = state
            return .success((report, pointDelta, byteDelta))
        }
        switch result {
        case .failure(let error):
            // Make room from idle entities once, then try again.
            if evictIdle() > 0 { return try ingest(entity: entity, points: newPoints, labels: labels) }
            throw error
        case .success(let (report, pointDelta, byteDelta)):
            points.wrappingAdd(pointDelta, ordering: .relaxed)
            bytes.wrappingAdd(byteDelta, ordering: .relaxed)
            return report
        }
    }

    private func reserveEntitySlot() -> Bool {
        let after = entities.wrappingAdd(1, ordering: .relaxed).newValue
        if after <= limits.maxEntities { return true }
        entities.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    private func apply(
        _ newPoints: [MetricPoint], labels: [String: String], to state: inout EntityState, retention: [String: Double]
    ) -> IngestReport {
        var report = IngestReport()
        // Timestamps this batch inserted, per metric: some may be dropped again at once (below).
        var inserted: [String: [Double]] = [:]
        for point in newPoints {
            guard point.value.isFinite, point.timestamp.isFinite else {
                report.rejectedInvalid += 1
                continue
            }
            if state.series[point.metric] == nil, state.series.count >= limits.maxMetricsPerEntity {
                report.rejectedLimit += 1
                continue
            }
            let keep = retention[point.metric] ?? limits.defaultRetentionSeconds
            switch state.series[point.metric, default: MetricSeries()].insert(
                timestamp: point.timestamp, value: point.value, retention: keep, capacity: limits.maxPointsPerSeries)
            {
            case .inserted:
                inserted[point.metric, default: []].append(point.timestamp)
                state.latestTimestamp = max(state.latestTimestamp, point.timestamp)
            case .replaced: report.replaced += 1
            case .tooOld: report.rejectedTooOld += 1
            }
        }
        // A point the series dropped again in the same call (over its capacity, or out of retention once
        // a newer point of the batch arrived) was not accepted: say so instead of counting it as stored.
        for (metric, timestamps) in inserted {
            guard let series = state.series[metric] else { continue }
            let horizon = (series.latest ?? -Double.infinity) - (retention[metric] ?? limits.defaultRetentionSeconds)
            for timestamp in timestamps {
                if series.contains(timestamp) {
                    report.accepted += 1
                } else if timestamp <= horizon {
                    report.rejectedTooOld += 1
                } else {
                    report.rejectedLimit += 1
                }
            }
        }
        for (key, value) in labels {
            guard key.utf8.count <= limits.maxLabelBytes, value.utf8.count <= limits.maxLabelBytes else { continue }
            if state.labels[key] == nil, state.labels.count >= limits.maxLabelsPerEntity { continue }
            state.labels[key] = value
        }
        return report
    }

    /// The entity's features as of `asOf` (default: its latest point), or nil for an unknown entity.
    /// The vector says from which as-of time on every window lies inside the retained history.
    public func features(entity: String, specs: [FeatureSpec], asOf: Double?) -> FeatureVector? {
        let shard = shards[Self.shardIndex(entity, count: shards.count)]
        return shard.withLock { map -> FeatureVector? in
            guard let state = map[entity] else { return nil }
            let time = asOf ?? state.latestTimestamp
            var earliestExact = -Double.infinity
            let values = specs.map { spec -> Double in
                guard let series = state.series[spec.metric] else { return spec.aggregation == .count ? 0 : .nan }
                earliestExact = max(earliestExact, series.prunedThrough + spec.windowSeconds)
                return series.evaluate(spec.aggregation, from: time - spec.windowSeconds, through: time)
            }
            var vector = FeatureVector(asOf: time, values: values)
            vector.earliestExactAsOf = earliestExact
            vector.latestTimestamp = state.latestTimestamp
            return vector
        }
    }

    public func labels(entity: String) -> [String: String]? {
        shards[Self.shardIndex(entity, count: shards.count)].withLock { $0[entity]?.labels }
    }

    /// Forgets entities idle for longer than `idleTTLSeconds`; returns how many.
    @discardableResult
    public func evictIdle() -> Int {
        let cutoff = clock() - limits.idleTTLSeconds
        var evicted = 0
        for shard in shards {
            let (count, pointDelta, byteDelta) = shard.withLock { map -> (Int, Int, Int) in
                var count = 0
                var pointDelta = 0
                var byteDelta = 0
                for (key, state) in map where state.lastIngest < cutoff {
                    map[key] = nil
                    count += 1
                    pointDelta += state.pointCount
                    byteDelta += state.approximateBytes
                }
                return (count, pointDelta, byteDelta)
            }
            evicted += count
            entities.wrappingSubtract(count, ordering: .relaxed)
            points.wrappingSubtract(pointDelta, ordering: .relaxed)
            bytes.wrappingSubtract(byteDelta, ordering: .relaxed)
        }
        return evicted
    }

    @discardableResult
    public func remove(entity: String) -> Bool {
        let removed = shards[Self.shardIndex(entity, count: shards.count)].withLock { $0.removeValue(forKey: entity) }
        guard let removed else { return false }
        entities.wrappingSubtract(1, ordering: .relaxed)
        points.wrappingSubtract(removed.pointCount, ordering: .relaxed)
        bytes.wrappingSubtract(removed.approximateBytes, ordering: .relaxed)
        return true
    }

    public var entityCount: Int { entities.load(ordering: .relaxed) }
    public var pointCount: Int { points.load(ordering: .relaxed) }
    public var approximateMemoryBytes: Int { bytes.load(ordering: .relaxed) }

    /// FNV-1a of the UTF-8 bytes: stable across runs and processes, unlike Swift's seeded `Hasher`.
    static func shardIndex(_ entity: String, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in entity.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return Int(hash % UInt64(count))
    }
}
