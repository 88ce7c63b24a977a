import Storage

/// The in-memory view of undelivered events: one FIFO per ordering key plus its retry state.
///
/// Only the head of each key's FIFO may be in flight, which gives strict per-key order (head-of-line
/// blocking per key) while different keys proceed concurrently.
struct OutboxQueues {
    struct Pending {
        let event: OutboxEvent
        let payload: [UInt8]
        let sequence: UInt64
    }

    struct KeyQueue {
        var events: [Pending] = []
        var inFlight = false
        /// Failed attempts of the head event.
        var attempts = 0
        /// Uptime nanoseconds before which the head must not be retried.
        var notBefore: UInt64 = 0
    }

    private(set) var queues: [String: KeyQueue] = [:]
    private(set) var pendingIDs: Set<String> = []
    private var nextSequence: UInt64 = 0
    var acksSinceCompaction = 0
    var stopping = false

    var count: Int { pendingIDs.count }

    mutating func append(_ event: OutboxEvent, payload: [UInt8]) {
        queues[event.key, default: KeyQueue()].events.append(
            Pending(event: event, payload: payload, sequence: nextSequence))
        nextSequence += 1
        pendingIDs.insert(event.id)
    }

    /// Claims the ready head with the oldest sequence number, or reports when the next one is due.
    mutating func claim(now: UInt64) -> (job: (pending: Pending, attempt: Int)?, nextDue: UInt64?) {
        var best: (key: String, sequence: UInt64)?
        var nextDue: UInt64?
        for (key, queue) in queues where !queue.inFlight {
            guard let head = queue.events.first else { continue }
            if queue.notBefore <= now {
                if best.map({ head.sequence < $0.sequence }) ?? true { best = (key, head.sequence) }
            } else {
                nextDue = min(nextDue ?? queue.notBefore, queue.notBefore)
            }
        }
        guard let key = best?.key, var queue = queues[key], let head = queue.events.first else {
            return (nil, nextDue)
        }
        queue.inFlight = true
        queues[key] = queue
        return ((head, queue.attempts), nextDue)
    }

    /// Retires the in-flight head of `key` (delivered or dead-lettered).
    mutating func complete(key: String) {
        guard var queue = queues[key], !queue.events.isEmpty else { return }
        let head = queue.events.removeFirst()
        pendingIDs.remove(head.event.id)
        if queue.events.isEmpty {
            queues[key] = nil
        } else {
            queue.inFlight = false
            queue.attempts = 0
            queue.notBefore = 0
            queues[key] = queue
        }
    }

    /// Puts the in-flight head of `key` back, not before `notBefore`.
    mutating func postpone(key: String, notBefore: UInt64) {
        guard var queue = queues[key] else { return }
        queue.inFlight = false
        queue.attempts += 1
        queue.notBefore = notBefore
        queues[key] = queue
    }

    /// Every pending payload in acceptance order, for compaction.
    func pendingPayloads() -> [[UInt8]] {
        queues.values.flatMap(\.events).sorted { $0.sequence < $1.sequence }.map(\.payload)
    }
}
