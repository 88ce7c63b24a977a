import Synchronization

/// Joins the predictions of one model version with the outcomes that later become known, so riskd can
/// report how good its risks actually were (precision/recall per tier, Brier score, calibration).
///
/// Predictions live in a ring of `capacity` slots and expire after `ttlSeconds`, so memory is bounded no
/// matter how many outcomes never arrive. An outcome labels a prediction by id, or labels every unlabeled
/// prediction of an entity made within a time window (how incidents map back to earlier predictions).
/// The first label wins; later ones for the same prediction are ignored.
public final class OutcomeTracker: Sendable {
    public let model: String
    public let version: String
    /// Tier thresholds, in any order; the lowest is the alerting threshold for false positives/negatives.
    public let tiers: [TierThreshold]
    public let capacity: Int
    public let ttlSeconds: Double
    /// At most this many false-positive and false-negative ids are listed in statistics.
    public let maxListedErrors: Int
    private let state: Mutex<State>

    struct Entry: Sendable {
        let id: String
        let entity: String
        let risk: Double
        let tier: String
        let time: Double
        var label: Int?
    }

    private struct State: Sendable {
        var slots: [Entry?]
        var slotByID: [String: Int] = [:]
        var next = 0
        var outcomesBySource: [OutcomeSource: Int] = [:]
    }

    public init(
        model: String, version: String, tiers: [TierThreshold], capacity: Int = 100_000,
        ttlSeconds: Double = 30 * 86_400, maxListedErrors: Int = 100
    ) {
        self.model = model
        self.version = version
        self.tiers = tiers.sorted { $0.risk < $1.risk }
        self.capacity = max(1, capacity)
        self.ttlSeconds = ttlSeconds
        self.maxListedErrors = max(0, maxListedErrors)
        state = Mutex(State(slots: [Entry?](repeating: nil, count: max(1, capacity))))
    }

    /// Remembers a prediction; the oldest is forgotten when the ring is full. A repeated id replaces the
    /// earlier prediction.
    public func recordPrediction(id: String, entity: String, risk: Double, tier: String, time: Double) {
        state.withLock { state in
            if let old = state.slotByID[id] { state.slots[old] = nil }
            let slot = state.next
            if let evicted = state.slots[slot] { state.slotByID[evicted.id] = nil }
            state.slots[slot] = Entry(id: id, entity: entity, risk: risk, tier: tier, time: time, label: nil)
            state.slotByID[id] = slot
            state.next = (slot + 1) % capacity
        }
    }

    /// Labels the prediction `id` (label 1 = the failure happened). Returns false when the prediction is
    /// unknown, expired at `now`, already labeled, or the label is not 0/1.
    @discardableResult
    public func recordOutcome(predictionID id: String, label: Int, source: OutcomeSource, now: Double) -> Bool {
        guard label == 0 || label == 1 else { return false }
        return state.withLock { state in
            guard let slot = state.slotByID[id], var entry = state.slots[slot], entry.label == nil,
                now - entry.time <= ttlSeconds
            else { return false }
            entry.label = label
            state.slots[slot] = entry
            state.outcomesBySource[source, default: 0] += 1
            return true
        }
    }

    /// Labels every unlabeled, unexpired prediction of `entity` made in [from, to]. Returns how many.
    @discardableResult
    public func recordOutcome(
        entity: String, from: Double, to: Double, label: Int, source: OutcomeSource, now: Double
    ) -> Int {
        guard label == 0 || label == 1, from <= to else { return 0 }
        return state.withLock { state in
            var labeled = 0
            for slot in state.slots.indices {
                guard var entry = state.slots[slot], entry.entity == entity, entry.label == nil,
                    entry.time >= from, entry.time <= to, now - entry.time <= ttlSeconds
                else { continue }
                entry.label = label
                state.slots[slot] = entry
                labeled += 1
            }
            if labeled > 0 { state.outcomesBySource[source, default: 0] += labeled }
            return labeled
        }
    }

    /// Outcomes accepted so far per source (cumulative, for a counter).
    public func outcomeCounts() -> [OutcomeSource: Int] {
        state.withLock { $0.outcomesBySource }
    }

    /// Statistics over the labeled, unexpired predictions at `now`.
    public func statistics(now: Double) -> OutcomeStatistics {
        let (entries, pending) = state.withLock { state -> ([Entry], Int) in
            var labeled: [Entry] = []
            var pending = 0
            for case let entry? in state.slots where now - entry.time <= ttlSeconds {
                if entry.label == nil { pending += 1 } else { labeled.append(entry) }
            }
            return (labeled, pending)
        }
        return OutcomeStatistics(
            model: model, version: version, tiers: tiers, entries: entries.sorted { $0.time < $1.time },
            pending: pending, maxListedErrors: maxListedErrors)
    }

    /// Statistics over labeled predictions kept elsewhere (a state store that outlives the process),
    /// with this tracker's tiers and limits; `labeled` in time order.
    public func statistics(
        labeled: [(id: String, entity: String, risk: Double, tier: String, time: Double, label: Int)], pending: Int
    ) -> OutcomeStatistics {
        let entries = labeled.map {
            Entry(id: $0.id, entity: $0.entity, risk: $0.risk, tier: $0.tier, time: $0.time, label: $0.label)
        }
        return OutcomeStatistics(
            model: model, version: version, tiers: tiers, entries: entries, pending: pending,
            maxListedErrors: maxListedErrors)
    }
}
