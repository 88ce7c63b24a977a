import Dispatch
import Foundation
import Log
import Metrics
import Outbound
import Storage
import Synchronization

/// A durable, at-least-once outbox for outbound webhooks (PagerDuty events, generic webhooks).
///
/// Why: a page must survive a PagerDuty outage, a 429 storm and a riskd restart. `enqueue` appends the
/// event to an append-only log in `configuration.directory` and fsyncs before returning, so an accepted
/// event is never lost. Delivery threads post events strictly in order per `OutboxEvent.key` (a retry
/// blocks later events of that key only) and different keys concurrently. 429 (honouring
/// `Retry-After`), 5xx and network errors are retried with exponential backoff and full jitter; any
/// other status dead-letters the event to `dead-letters.jsonl` and moves on. Delivered and
/// dead-lettered events get an ack record; the log is compacted once everything is acked. A new
/// `Outbox` on the same directory replays the log (ignoring a torn last record) and resumes
/// undelivered events in their original order.
public final class Outbox: Sendable {
    public static let logFileName = "outbox.log"

    public let configuration: OutboxConfiguration
    let client: HTTPClient
    let log: Mutex<OutboxLogFile>
    let deadLetters: Mutex<DeadLetterFile>
    let state: Mutex<OutboxQueues>
    let wakeup = DispatchSemaphore(value: 0)
    let workers = DispatchGroup()
    let started = Atomic<Bool>(false)
    let metrics: OutboxMetrics
    let logger: Logger
    let backoff: RetryBackoff

    /// Opens (or creates) the log and replays it; call `start()` to begin delivering.
    public init(
        configuration: OutboxConfiguration, client: HTTPClient = HTTPClient(), metrics: MetricsRegistry,
        logger: Logger
    ) throws(OutboxError) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.metrics = OutboxMetrics(registry: metrics)
        backoff = RetryBackoff(
            base: configuration.backoffBase, maximum: configuration.backoffMax,
            maxRetryAfter: configuration.maxRetryAfter)
        let file = try OutboxLogFile(directory: configuration.directory, name: Self.logFileName)
        let (payloads, discarded) = try file.replay(maxPayloadBytes: configuration.maxEventBytes)
        if discarded > 0 {
            logger.warning("outbox log had a torn or corrupt tail; discarded it", ["bytes": .number(Double(discarded))])
        }
        let queues = Self.pendingQueues(from: payloads, logger: logger)
        if queues.count < payloads.count {
            try file.rewrite(queues.pendingPayloads())
        }
        deadLetters = Mutex(
            try DeadLetterFile(directory: configuration.directory, maxBytes: configuration.maxDeadLetterBytes))
        log = Mutex(file)
        state = Mutex(queues)
        self.metrics.queued.set(Double(queues.count))
    }

    /// Starts the delivery threads (once).
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for index in 0..<max(1, configuration.workerCount) {
            workers.enter()
            let thread = Thread { [self] in runWorker() }
            thread.name = "outbox-\(index)"
            thread.start()
        }
    }

    /// Durably accepts `event`: returns only after it is in the log and fsynced.
    ///
    /// - Throws: `OutboxError.full`, `.duplicateID`, `.eventTooLarge`, `.stopped` or `.storage`; in every
    ///   case nothing was accepted.
    public func enqueue(_ event: OutboxEvent) throws(OutboxError) {
        let payload = OutboxRecord.event(event).encoded()
        guard payload.count <= configuration.maxEventBytes else {
            throw .eventTooLarge(bytes: payload.count, limit: configuration.maxEventBytes)
        }
        try log.withLock { file throws(OutboxError) in
            try state.withLock { queues throws(OutboxError) in
                guard !queues.stopping else { throw .stopped }
                guard queues.count < configuration.capacity else { throw .full(capacity: configuration.capacity) }
                guard !queues.pendingIDs.contains(event.id) else { throw .duplicateID(event.id) }
            }
            try file.append([payload])
            state.withLock { queues in
                queues.append(event, payload: payload)
                // Set under the lock so concurrent updates cannot leave a stale value.
                metrics.queued.set(Double(queues.count))
            }
        }
        wakeup.signal()
    }

    /// Events accepted and not yet delivered or dead-lettered.
    public var pendingCount: Int { state.withLock { $0.count } }

    /// Path of the dead-letter file (JSON lines with `reason`).
    public var deadLetterPath: String { deadLetters.withLock { $0.path } }

    /// Stops accepting and delivering; waits up to `timeout` seconds for attempts in flight to finish,
    /// then releases the log so another outbox may open the directory. Undelivered events stay in the
    /// log for the next start. Returns whether all threads stopped (if not, the log stays open).
    @discardableResult
    public func stop(timeout: Double) -> Bool {
        state.withLock { $0.stopping = true }
        for _ in 0..<max(1, configuration.workerCount) { wakeup.signal() }
        if started.load(ordering: .acquiring) {
            guard workers.wait(timeout: .now() + max(0, timeout)) == .success else { return false }
        }
        log.withLock { $0.close() }
        return true
    }

    /// The undelivered events of a replayed log, in their original order.
    private static func pendingQueues(from payloads: [[UInt8]], logger: Logger) -> OutboxQueues {
        var pending: [String: (event: OutboxEvent, payload: [UInt8], index: Int)] = [:]
        for (index, payload) in payloads.enumerated() {
            do {
                switch try OutboxRecord(decoding: payload) {
                case .event(let event): pending[event.id] = (event, payload, index)
                case .ack(let id, _): pending[id] = nil
                }
            } catch {
                logger.error("skipping unreadable outbox record", ["error": .string(error.description)])
            }
        }
        var queues = OutboxQueues()
        for entry in pending.values.sorted(by: { $0.index < $1.index }) {
            queues.append(entry.event, payload: entry.payload)
        }
        return queues
    }
}
