import Synchronization

/// Remembers recently seen webhook delivery ids (`X-Webhook-Id`) so a redelivered webhook is
/// acknowledged without being applied twice.
///
/// PagerDuty delivers at least once and repeats the id on every attempt. Ids are kept for
/// `ttlSeconds` and at most `capacity` of them; the oldest go first.
public final class WebhookDeduplicator: Sendable {
    private struct State {
        var seenAt: [String: Double] = [:]
        /// Insertion order; entries whose id was re-inserted later are skipped on eviction.
        var order: [(id: String, at: Double)] = []
        var head = 0
    }

    public let capacity: Int
    public let ttlSeconds: Double
    private let state = Mutex(State())

    public init(capacity: Int = 10_000, ttlSeconds: Double = 48 * 3600) {
        self.capacity = max(1, capacity)
        self.ttlSeconds = ttlSeconds
    }

    /// `true` the first time `id` is seen within the TTL (and remembers it), `false` for a repeat.
    public func isFirstDelivery(id: String, now: Double) -> Bool {
        state.withLock { state in
            evict(&state, now: now)
            if let seen = state.seenAt[id], now - seen < ttlSeconds { return false }
            if state.seenAt.count >= capacity { evictOldest(&state) }
            state.seenAt[id] = now
            state.order.append((id, now))
            return true
        }
    }

    public var count: Int { state.withLock { $0.seenAt.count } }

    private func evict(_ state: inout State, now: Double) {
        while state.head < state.order.count, now - state.order[state.head].at >= ttlSeconds {
            removeHead(&state)
        }
        compact(&state)
    }

    private func evictOldest(_ state: inout State) {
        let before = state.seenAt.count
        while state.head < state.order.count, state.seenAt.count == before {
            removeHead(&state)
        }
        compact(&state)
    }

    private func removeHead(_ state: inout State) {
        let entry = state.order[state.head]
        if state.seenAt[entry.id] == entry.at { state.seenAt[entry.id] = nil }
        state.head += 1
    }

    private func compact(_ state: inout State) {
        guard state.head > 1024, state.head * 2 > state.order.count else { return }
        state.order.removeFirst(state.head)
        state.head = 0
    }
}
