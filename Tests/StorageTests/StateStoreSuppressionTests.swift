import Foundation
import Storage
import Synchronization
import Testing

@Suite struct StateStoreSuppressionTests {
    static func held(_ key: String, group: String = "g", since: Double = 1, page: String = "{}") -> StoredHeldPage {
        StoredHeldPage(dedupKey: key, groupKey: group, heldSince: since, page: page)
    }

    @Test(arguments: Backend.allCases) func pagesAndCooldownsAreRememberedAndPruned(_ backend: Backend) throws {
        let url = try backend.freshURL()
        var store = try StateStore(url: url, now: 0)
        try store.updateSuppression { transaction throws(StorageError) in
            #expect(try transaction.lock())
            #expect(try transaction.lastPage(group: "a") == nil)
            try transaction.recordPage(group: "a", at: 100, windowStart: 0, cooldownStart: 0)
            try transaction.recordPage(group: "b", at: 200, windowStart: 0, cooldownStart: 0)
        }
        store.close()
        store = try StateStore(url: url, now: 0)  // a restart keeps them
        defer { store.close() }
        try store.updateSuppression { transaction throws(StorageError) in
            #expect(try transaction.lastPage(group: "a") == 100)
            #expect(try transaction.lastPages() == ["a": 100, "b": 200])
            #expect(try transaction.pageTimes(since: 150) == [200])
            #expect(try transaction.pageTimes(since: 0) == [100, 200])
            // Group a's cooldown and its storm-window page are over at 400: both are forgotten.
            try transaction.recordPage(group: "a", at: 400, windowStart: 150, cooldownStart: 150)
            #expect(try transaction.lastPages() == ["a": 400, "b": 200])
            #expect(try transaction.pageTimes(since: 0) == [200, 400])
            try transaction.recordPage(group: "c", at: 500, windowStart: 300, cooldownStart: 300)
            #expect(try transaction.lastPages() == ["a": 400, "c": 500])
        }
    }

    @Test(arguments: Backend.allCases) func heldPagesAreBoundedUpdatedInPlaceAndOnlyForOpenIncidents(
        _ backend: Backend
    ) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        for key in ["k1", "k2"] {
            try store.updateIncident(dedupKey: key) { transaction throws(StorageError) in
                try transaction.save(StoredIncident(dedupKey: key, pagedTier: "L1", belowSince: nil, lastUpdate: 1))
                #expect(try transaction.suppression.hold(Self.held(key, since: key == "k1" ? 1 : 2), limit: 2))
            }
        }
        try store.updateSuppression { transaction throws(StorageError) in
            #expect(try !transaction.hold(Self.held("k3"), limit: 2), "two pages are held already")
            #expect(try transaction.hold(Self.held("k2", group: "h", since: 9, page: "{\"v\":2}"), limit: 2))
            #expect(
                try transaction.heldPages() == [
                    Self.held("k1", since: 1), Self.held("k2", group: "h", since: 2, page: "{\"v\":2}"),
                ])
            #expect(try transaction.release(dedupKey: "k1"))
            #expect(try !transaction.release(dedupKey: "k1"))
        }
        // k2's incident closed (in PagerDuty): its held page is not news any more.
        try store.updateIncident(dedupKey: "k2") { transaction throws(StorageError) in try transaction.save(nil) }
        try store.updateSuppression { transaction throws(StorageError) in
            #expect(try transaction.heldPages().isEmpty)
            #expect(try transaction.hold(Self.held("k3"), limit: 2), "closed incidents no longer count")
        }
    }

    @Test(arguments: Backend.allCases) func aGroupPagesOnceAcrossReplicasPerCooldown(_ backend: Backend) throws {
        let url = try backend.freshURL()
        let first = try StateStore(url: url, now: 0)
        let second: StateStore = backend == .postgres ? try StateStore(url: url, now: 0) : first
        defer {
            first.close()
            second.close()
        }
        let pages = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let store = index % 2 == 0 ? first : second
            let paged = try? store.updateIncident(dedupKey: "riskd/m/e\(index)") { transaction throws(StorageError) in
                let suppression = transaction.suppression
                try suppression.lock()
                if let last = try suppression.lastPage(group: "g"), 1000 - last < 300 { return false }
                try suppression.recordPage(group: "g", at: 1000, windowStart: 400, cooldownStart: 700)
                try transaction.enqueue(outboxEvent("page-\(index)", key: "riskd/m/e\(index)"))
                return true
            }
            if paged == true { pages.add(1, ordering: .relaxed) }
        }
        #expect(pages.load(ordering: .relaxed) == 1)
        #expect(try first.outboxCount() == 1)
    }

    @Test func theDigestClaimSkipsALockHeldByAnotherReplica() throws {
        let url = try Backend.postgres.freshURL()
        let first = try StateStore(url: url, now: 0)
        let second = try StateStore(url: url, now: 0)
        defer {
            first.close()
            second.close()
        }
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            _ = try? first.updateSuppression { transaction throws(StorageError) in
                _ = try transaction.lock()
                holding.signal()
                _ = release.wait(timeout: .now() + 10)
            }
        }
        holder.start()
        #expect(holding.wait(timeout: .now() + 10) == .success)
        let claimed = try second.updateSuppression { transaction throws(StorageError) in
            try transaction.lock(skipIfBusy: true)
        }
        #expect(!claimed, "the other replica holds the claim")
        release.signal()
        var claimedAfter = false
        for _ in 0..<100 where !claimedAfter {
            claimedAfter = try second.updateSuppression { transaction throws(StorageError) in
                try transaction.lock(skipIfBusy: true)
            }
            if !claimedAfter { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(claimedAfter, "free again once the holder committed")
    }
}
