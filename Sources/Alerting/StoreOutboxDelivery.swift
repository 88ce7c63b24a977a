import Dispatch
import Foundation
import Storage
import Synchronization
import SystemIO

/// Delivers the outbox kept in a shared state store (PostgreSQL), so that replicas share one queue:
/// every replica runs these workers, and `OutboxSession` hands each event to exactly one of them,
/// oldest first and one at a time per key. A replica killed mid-delivery loses its database
/// connection, its claim is released, and another replica delivers the event (at least once).
///
/// It borrows the file outbox's HTTP client, retry policy, metrics and dead-letter file, so delivery
/// behaves the same whichever outbox an event sits in.
public final class StoreOutboxDelivery: Sendable {
    let store: StateStore
    let outbox: Outbox
    private let stopping = Atomic<Bool>(false)
    /// One thread per delivery worker, each running its claim loop until stopped.
    private let workers: FixedThreadPool

    public init(store: StateStore, borrowingFrom outbox: Outbox) {
        self.store = store
        self.outbox = outbox
        let count = max(1, outbox.configuration.workerCount)
        workers = FixedThreadPool(name: "store-outbox", threads: count, capacity: count)
    }

    public func start() {
        for _ in 0..<workers.threadCount {
            workers.submit { [self] in runWorker() }
        }
    }

    /// Stops claiming; waits up to `timeout` for attempts in flight (their events stay in the store).
    @discardableResult
    public func stop(timeout: Double) -> Bool {
        stopping.store(true, ordering: .releasing)
        return workers.stop(timeout: timeout)
    }

    private func runWorker() {
        var session: OutboxSession?
        while !stopping.load(ordering: .acquiring) {
            do throws(StorageError) {
                let current: OutboxSession
                if let session {
                    current = session
                } else {
                    current = try store.outboxSession()
                }
                session = current
                let lease = outbox.configuration.requestTimeout + 30
                guard let claimed = try current.claim(now: Date().timeIntervalSince1970, leaseSeconds: lease) else {
                    Thread.sleep(forTimeInterval: 0.1)
                    continue
                }
                try deliver(claimed, session: current)
            } catch {
                outbox.logger.error("store outbox unavailable; retrying", ["error": .string(error.description)])
                session?.close()
                session = nil
                Thread.sleep(forTimeInterval: 1)
            }
        }
        session?.close()
    }

    private func deliver(_ claimed: ClaimedOutboxEvent, session: OutboxSession) throws(StorageError) {
        let event = claimed.event
        var outcome: DeliveryOutcome
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try outbox.client.post(
                url: event.url, headers: event.headers.map { (name: $0.key, value: $0.value) }, body: event.body,
                timeout: outbox.configuration.requestTimeout)
            outcome = DeliveryOutcome(status: response.status, retryAfterHeader: response.header("Retry-After"))
        } catch {
            outcome = DeliveryOutcome(error: error)
        }
        outbox.metrics.deliveryDuration.observe(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        if case .retry(let reason, _) = outcome, claimed.attempts + 1 >= outbox.configuration.maxAttempts {
            outcome = .deadLetter(reason: "retries_exhausted: \(reason)")
        }
        switch outcome {
        case .delivered:
            try session.complete(claimed)
            outbox.metrics.sent.increment()
        case .deadLetter(let reason):
            let now = Date().timeIntervalSince1970
            try? outbox.deadLetters.withLock { file throws(OutboxError) in
                try file.append(event, reason: reason, at: now)
            }
            try session.complete(claimed)
            outbox.metrics.deadLetters.increment()
        case .retry(_, let retryAfter):
            let delay = outbox.backoff.delay(
                attempt: claimed.attempts, retryAfter: retryAfter, unit: Double.random(in: 0...1))
            try session.postpone(claimed, notBefore: Date().timeIntervalSince1970 + max(0, min(delay, 1e6)))
            outbox.metrics.retries.increment()
        }
    }
}
