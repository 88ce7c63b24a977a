import Dispatch
import Foundation
import Outbound
import Storage

extension Outbox {
    /// One delivery thread: claim the oldest ready head, deliver it, repeat until stopped.
    func runWorker() {
        defer { workers.leave() }
        while let job = nextJob() {
            deliver(job.pending, attempt: job.attempt)
        }
    }

    private func nextJob() -> (pending: OutboxQueues.Pending, attempt: Int)? {
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let claim = state.withLock { queues in queues.stopping ? nil : queues.claim(now: now) }
            guard let claim else { return nil }
            if let job = claim.job { return job }
            // Sleep until the next retry is due, a new event arrives, or at most a second.
            let wait = min(claim.nextDue.map { $0 &- now } ?? 1_000_000_000, 1_000_000_000)
            _ = wakeup.wait(timeout: .now() + .nanoseconds(Int(wait)))
        }
    }

    private func deliver(_ pending: OutboxQueues.Pending, attempt: Int) {
        let event = pending.event
        let startedAt = DispatchTime.now().uptimeNanoseconds
        var outcome: DeliveryOutcome
        do {
            let response = try client.post(
                url: event.url, headers: event.headers.map { (name: $0.key, value: $0.value) }, body: event.body,
                timeout: configuration.requestTimeout)
            outcome = DeliveryOutcome(status: response.status, retryAfterHeader: response.header("Retry-After"))
        } catch {
            outcome = DeliveryOutcome(error: error)
        }
        metrics.deliveryDuration.observe(Double(DispatchTime.now().uptimeNanoseconds - startedAt) / 1e9)
        if case .retry(let reason, _) = outcome, attempt + 1 >= configuration.maxAttempts {
            outcome = .deadLetter(reason: "retries_exhausted: \(reason)")
        }
        switch outcome {
        case .delivered:
            metrics.sent.increment()
            retire(event, outcome: "sent")
        case .deadLetter(let reason):
            do {
                try deadLetters.withLock { file throws(OutboxError) in try file.append(event, reason: reason, at: now())
                }
            } catch {
                logger.error(
                    "cannot write dead letter", ["id": .string(event.id), "error": .string(error.description)])
            }
            metrics.deadLetters.increment()
            retire(event, outcome: "dead_letter")
            logger.warning(
                "outbox event dead-lettered",
                ["id": .string(event.id), "key": .string(event.key), "reason": .string(reason)])
        case .retry(let reason, let retryAfter):
            let delay = backoff.delay(attempt: attempt, retryAfter: retryAfter, unit: Double.random(in: 0...1))
            let notBefore = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, min(delay, 1e6)) * 1e9)
            metrics.retries.increment()
            state.withLock { $0.postpone(key: event.key, notBefore: notBefore) }
            logger.info(
                "outbox delivery failed; will retry",
                [
                    "id": .string(event.id), "key": .string(event.key), "reason": .string(reason),
                    "attempt": .number(Double(attempt + 1)), "delay_seconds": .finite(delay),
                ])
        }
    }

    /// Appends the ack, drops the event from memory and compacts the log when due.
    private func retire(_ event: OutboxEvent, outcome: String) {
        log.withLock { file in
            do throws(OutboxError) {
                try file.append([OutboxRecord.ack(id: event.id, outcome: outcome).encoded()])
            } catch {
                // The event stays in the log and is delivered again after a restart (at least once).
                logger.error(
                    "cannot append outbox ack", ["id": .string(event.id), "error": .string(error.description)])
            }
            let snapshot = state.withLock { queues -> [[UInt8]]? in
                queues.complete(key: event.key)
                metrics.queued.set(Double(queues.count))
                queues.acksSinceCompaction += 1
                guard queues.count == 0 || queues.acksSinceCompaction >= configuration.compactAfterAcks else {
                    return nil
                }
                queues.acksSinceCompaction = 0
                return queues.pendingPayloads()
            }
            if let snapshot {
                do throws(OutboxError) {
                    try file.rewrite(snapshot)
                } catch {
                    logger.error("cannot compact outbox log", ["error": .string(error.description)])
                }
            }
        }
    }

    private func now() -> Double { Date().timeIntervalSince1970 }
}
