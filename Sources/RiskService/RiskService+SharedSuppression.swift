import Alerting
import Foundation
import Storage

/// The alert suppressor's ledger in a state-store transaction: cooldowns, the storm window and held
/// pages are read from and written to the store, under its suppression lock. A store failure is kept
/// (the methods answer as if nothing were stored) for the caller to throw, which rolls the whole
/// transaction back, so a page is never sent on a decision the store did not commit.
final class StoreSuppressionLedger: SuppressionLedger, @unchecked Sendable {
    private let transaction: SuppressionTransaction
    private let configuration: AlertSuppressor.Configuration
    private let now: Double
    private var locked = false
    private(set) var failure: StorageError?

    /// `locked`: the caller already holds the suppression lock (the digest claim).
    init(_ transaction: SuppressionTransaction, configuration: AlertSuppressor.Configuration, now: Double, locked: Bool)
    {
        self.transaction = transaction
        self.configuration = configuration
        self.now = now
        self.locked = locked
    }

    private func attempt<T>(_ fallback: T, _ body: () throws(StorageError) -> T) -> T {
        guard failure == nil else { return fallback }
        do {
            if !locked {
                try transaction.lock()
                locked = true
            }
            return try body()
        } catch {
            failure = error
            return fallback
        }
    }

    func lastPage(group: String) -> Double? {
        attempt(nil) { () throws(StorageError) in try transaction.lastPage(group: group) }
    }

    func lastPages() -> [String: Double] {
        attempt([:]) { () throws(StorageError) in try transaction.lastPages() }
    }

    func pageTimes(since: Double) -> [Double] {
        attempt([]) { () throws(StorageError) in try transaction.pageTimes(since: since) }
    }

    func recordPage(group: String, at: Double) {
        attempt(()) { () throws(StorageError) in
            try transaction.recordPage(
                group: group, at: at, windowStart: now - configuration.windowSeconds,
                cooldownStart: now - configuration.cooldownSeconds)
        }
    }

    func hold(_ page: DeferredPage, group: String, limit: Int) -> Bool {
        attempt(false) { () throws(StorageError) in
            try transaction.hold(
                StoredHeldPage(
                    dedupKey: page.dedupKey, groupKey: group, heldSince: page.heldSince, page: page.storedJSON),
                limit: limit)
        }
    }

    func release(dedupKey: String) -> Bool {
        attempt(false) { () throws(StorageError) in try transaction.release(dedupKey: dedupKey) }
    }

    func heldPages() -> [DeferredPage] {
        attempt([]) { () throws(StorageError) in
            try transaction.heldPages().compactMap { DeferredPage(storedJSON: $0.page) }
        }
    }
}

/// Digests of held pages come from the store: once a second one replica claims the suppression state
/// (`FOR UPDATE SKIP LOCKED`; the others skip that second), takes the digests that are due and puts
/// their pages into the store's outbox in the same transaction, so each digest is sent exactly once.
extension RiskService {
    func sendStoredDigests(now: Double) {
        let loop = incidentLoop
        do {
            try store.updateSuppression { transaction throws(StorageError) in
                guard try transaction.lock(skipIfBusy: true) else { return }
                let ledger = StoreSuppressionLedger(
                    transaction, configuration: loop.suppressor.configuration, now: now, locked: true)
                var failure: OutboxError?
                AlertSuppressor.$ledger.withValue(ledger) {
                    OutboxSink.$current.withValue(OutboxSink.Target(transaction.enqueue)) {
                        do throws(OutboxError) {
                            try loop.sendDueDigests(now: now)
                        } catch {
                            failure = error
                        }
                    }
                }
                if let error = ledger.failure { throw error }
                if let failure { throw StorageError(.failed, failure.description) }
            }
        } catch {
            logger.error("cannot store a digest page; will retry", ["error": .string(error.description)])
        }
    }
}
