import Synchronization

/// Joins the predictions of one model version with the outcomes that later become known, so riskd can
/// report how good its risks actually were (precision/recall per tier, Brier score, calibration).
///
/// Predictions live in rings of `capacity` slots in all, split over shards by prediction id, and
/// expire after `ttlSeconds`, so memory is bounded no matter how many outcomes never arrive. A batch of
/// predictions takes each shard's lock once. An outcome labels a prediction by id, or labels every
/// unlabeled prediction of an entity made within a time window (how incidents map back to earlier
/// predictions), found through a per-entity index rather than a scan of the ring. The first label wins.
/// `refresh(now:)` (off the event loops) keeps the statistics `/metrics` renders.
public final class OutcomeTracker: OutcomeJoin {
    public let model: String
    public let version: String
    /// Tier thresholds, in any order; the lowest is the alerting threshold for false positives/negatives.
    public let tiers: [TierThreshold]
    public let capacity: Int
    public let ttlSeconds: Double
    /// At most this many false-positive and false-negative ids are listed in statistics.
    public let maxListedErrors: Int
    private let shards: [Shard]
    private let latest = Mutex<(statistics: OutcomeStatistics, changes: UInt64, at: Double)?>(nil)
    private let sequence = Atomic<UInt64>(0)
    /// Bumped by every recorded prediction batch and label, so an unchanged tracker is not recomputed.
    private let changes = Atomic<UInt64>(0)
    /// A refresh recomputes at least this often even without changes (predictions expire with time).
    static let maxRefreshAge = 60.0

    /// A prediction to remember until its outcome arrives.
    public struct Prediction: Sendable {
        public let id: String
        public let entity: String
        public let risk: Double
        public let tier: String
        public let time: Double

        public init(id: String, entity: String, risk: Double, tier: String, time: Double) {
            self.id = id
            self.entity = entity
            self.risk = risk
            self.tier = tier
            self.time = time
        }
    }

    struct Entry: Sendable {
        let prediction: Prediction
        /// Arrival order, to order predictions made at the same time.
        let sequence: UInt64
        var label: Int?

        var id: String { prediction.id }
        var risk: Double { prediction.risk }
        var time: Double { prediction.time }
    }

    private final class Shard: Sendable {
        let state: Mutex<State>

        init(capacity: Int) {
            state = Mutex(State(slots: [Entry?](repeating: nil, count: capacity)))
        }
    }

    private struct State: Sendable {
        var slots: [Entry?]
        /// Slot by `key(id)`; a hit is confirmed against the entry's id.
        var slotByID: [UInt64: Int] = [:]
        /// Slots per entity, oldest first; may hold stale slots (checked on use, compacted as lists grow).
        var slotsByEntity: [String: EntitySlots] = [:]
        var next = 0
        var outcomesBySource: [OutcomeSource: Int] = [:]

        mutating func insert(_ prediction: Prediction, key: UInt64, sequence: UInt64) {
            if let old = slot(of: prediction.id, key: key) { slots[old] = nil }
            let slot = next
            if let evicted = slots[slot] {
                let evictedKey = OutcomeTracker.key(evicted.id)
                if slotByID[evictedKey] == slot { slotByID[evictedKey] = nil }
                if slotsByEntity[evicted.prediction.entity]?.first == slot {
                    slotsByEntity[evicted.prediction.entity]?.removeFirst()
                    if slotsByEntity[evicted.prediction.entity]?.live.isEmpty == true {
                        slotsByEntity[evicted.prediction.entity] = nil
                    }
                }
            }
            slots[slot] = Entry(prediction: prediction, sequence: sequence, label: nil)
            slotByID[key] = slot
            if !prediction.entity.isEmpty {
                slotsByEntity[prediction.entity, default: EntitySlots()].append(slot)
                if let count = slotsByEntity[prediction.entity]?.live.count, count >= 64, count & (count - 1) == 0 {
                    compact(prediction.entity)
                }
            }
            next = (slot + 1) % slots.count
        }

        func slot(of id: String, key: UInt64) -> Int? {
            guard let slot = slotByID[key], slots[slot]?.id == id else { return nil }
            return slot
        }

        /// Drops slots that no longer hold `entity` (evicted out of order, or replaced).
        mutating func compact(_ entity: String) {
            var seen = Set<Int>()
            slotsByEntity[entity]?.keep { slot in
                slots[slot]?.prediction.entity == entity && seen.insert(slot).inserted
            }
        }
    }

    /// One entity's slots, oldest first, as a queue: the oldest leaves by moving `head`, not by shifting
    /// the array, so a hot entity with thousands of remembered predictions costs O(1) per eviction.
    struct EntitySlots: Sendable {
        private var slots: [Int] = []
        private var head = 0

        var live: ArraySlice<Int> { slots[head...] }
        var first: Int? { head < slots.count ? slots[head] : nil }

        mutating func append(_ slot: Int) { slots.append(slot) }

        mutating func removeFirst() {
            head += 1
            if head >= 64, head * 2 >= slots.count {
                slots.removeFirst(head)
                head = 0
            }
        }

        mutating func keep(where isKept: (Int) -> Bool) {
            slots = live.filter(isKept)
            head = 0
        }
    }

    public init(
        model: String, version: String, tiers: [TierThreshold], capacity: Int = 100_000,
        ttlSeconds: Double = 30 * 86_400, maxListedErrors: Int = 100, shards: Int = 4
    ) {
        self.model = model
        self.version = version
        self.tiers = tiers.sorted { $0.risk < $1.risk }
        self.capacity = max(1, capacity)
        self.ttlSeconds = ttlSeconds
        self.maxListedErrors = max(0, maxListedErrors)
        let count = max(1, min(shards, self.capacity))
        let perShard = (self.capacity + count - 1) / count
        self.shards = (0..<count).map { _ in Shard(capacity: perShard) }
    }

    /// FNV-1a of the id: cheaper than hashing the string for a dictionary, and stable for sharding.
    static func key(_ id: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }

    private func shardIndex(_ key: UInt64) -> Int {
        Int((key ^ (key >> 32)) % UInt64(shards.count))
    }

    /// Remembers a prediction; the oldest of its shard is forgotten when the shard is full. A repeated id
    /// replaces the earlier prediction.
    public func recordPrediction(id: String, entity: String, risk: Double, tier: String, time: Double) {
        recordPredictions([Prediction(id: id, entity: entity, risk: risk, tier: tier, time: time)])
    }

    /// Remembers a batch with one lock per shard.
    public func recordPredictions(_ predictions: [Prediction]) {
        let first = sequence.wrappingAdd(UInt64(predictions.count), ordering: .relaxed).oldValue
        changes.wrappingAdd(1, ordering: .relaxed)
        let keys = predictions.map { Self.key($0.id) }
        if shards.count == 1 || predictions.count == 1 {
            let shard = shards[predictions.count == 1 ? shardIndex(keys[0]) : 0]
            shard.state.withLock { state in
                for (offset, prediction) in predictions.enumerated() {
                    state.insert(prediction, key: keys[offset], sequence: first + UInt64(offset))
                }
            }
            return
        }
        var byShard = [[Int]](repeating: [], count: shards.count)
        for (offset, key) in keys.enumerated() { byShard[shardIndex(key)].append(offset) }
        for (index, offsets) in byShard.enumerated() where !offsets.isEmpty {
            shards[index].state.withLock { state in
                for offset in offsets {
                    state.insert(predictions[offset], key: keys[offset], sequence: first + UInt64(offset))
                }
            }
        }
    }

    /// Labels the prediction `id` (label 1 = the failure happened). Returns false when the prediction is
    /// unknown, expired at `now`, already labeled, or the label is not 0/1.
    @discardableResult
    public func recordOutcome(predictionID id: String, label: Int, source: OutcomeSource, now: Double) -> Bool {
        guard label == 0 || label == 1 else { return false }
        let key = Self.key(id)
        return shards[shardIndex(key)].state.withLock { state in
            guard let slot = state.slot(of: id, key: key), var entry = state.slots[slot], entry.label == nil,
                now - entry.time <= ttlSeconds
            else { return false }
            entry.label = label
            state.slots[slot] = entry
            state.outcomesBySource[source, default: 0] += 1
            changes.wrappingAdd(1, ordering: .relaxed)
            return true
        }
    }

    /// Labels every unlabeled, unexpired prediction of `entity` made in [from, to]. Returns how many.
    @discardableResult
    public func recordOutcome(
        entity: String, from: Double, to: Double, label: Int, source: OutcomeSource, now: Double
    ) -> Int {
        guard label == 0 || label == 1, from <= to else { return 0 }
        var total = 0
        for shard in shards {
            total += shard.state.withLock { state in
                var labeled = 0
                for slot in state.slotsByEntity[entity]?.live ?? [] {
                    guard var entry = state.slots[slot], entry.prediction.entity == entity, entry.label == nil,
                        entry.time >= from, entry.time <= to, now - entry.time <= ttlSeconds
                    else { continue }
                    entry.label = label
                    state.slots[slot] = entry
                    labeled += 1
                }
                if labeled > 0 {
                    state.outcomesBySource[source, default: 0] += labeled
                    changes.wrappingAdd(1, ordering: .relaxed)
                }
                return labeled
            }
        }
        return total
    }

    /// Outcomes accepted so far per source (cumulative, for a counter).
    public func outcomeCounts() -> [OutcomeSource: Int] {
        var counts: [OutcomeSource: Int] = [:]
        for shard in shards {
            for (source, count) in shard.state.withLock({ $0.outcomesBySource }) { counts[source, default: 0] += count }
        }
        return counts
    }

    /// Statistics over the labeled, unexpired predictions at `now`.
    public func statistics(now: Double) -> OutcomeStatistics {
        var entries: [Entry] = []
        var pending = 0
        for shard in shards {
            shard.state.withLock { state in
                for case let entry? in state.slots where now - entry.time <= ttlSeconds {
                    if entry.label == nil { pending += 1 } else { entries.append(entry) }
                }
            }
        }
        return OutcomeStatistics(
            model: model, version: version, tiers: tiers,
            entries: entries.sorted { ($0.time, $0.sequence) < ($1.time, $1.sequence) },
            pending: pending, maxListedErrors: maxListedErrors)
    }

    /// Computes statistics now and keeps them for `latestStatistics`, unless nothing changed since the
    /// last refresh less than `maxRefreshAge` ago; run off the event loops.
    @discardableResult
    public func refresh(now: Double) -> OutcomeStatistics {
        let version = changes.load(ordering: .relaxed)
        if let kept = latest.withLock({ $0 }), kept.changes == version, now - kept.at < Self.maxRefreshAge {
            return kept.statistics
        }
        let statistics = statistics(now: now)
        latest.withLock { $0 = (statistics, version, now) }
        return statistics
    }

    /// The statistics of the last `refresh(now:)`, for rendering `/metrics` without computing.
    public var latestStatistics: OutcomeStatistics? { latest.withLock { $0?.statistics } }

    /// Statistics over labeled predictions kept elsewhere (a state store that outlives the process),
    /// with this tracker's tiers and limits; `labeled` in time order.
    public func statistics(
        labeled: [(id: String, entity: String, risk: Double, tier: String, time: Double, label: Int)], pending: Int
    ) -> OutcomeStatistics {
        let entries = labeled.enumerated().map { offset, row in
            Entry(
                prediction: Prediction(id: row.id, entity: row.entity, risk: row.risk, tier: row.tier, time: row.time),
                sequence: UInt64(offset), label: row.label)
        }
        return OutcomeStatistics(
            model: model, version: version, tiers: tiers, entries: entries, pending: pending,
            maxListedErrors: maxListedErrors)
    }
}
