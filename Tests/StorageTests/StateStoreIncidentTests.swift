import Foundation
import Storage
import Testing

@Suite struct StateStoreIncidentTests {
    @Test(arguments: Backend.allCases) func incidentAndOutboxCommitTogether(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        try store.updateIncident(dedupKey: "riskd/m/e") { transaction throws(StorageError) in
            #expect(try transaction.incident() == nil)
            try transaction.save(StoredIncident(dedupKey: "riskd/m/e", pagedTier: "L2", belowSince: nil, lastUpdate: 5))
            try transaction.enqueue(outboxEvent("1", key: "riskd/m/e"))
        }
        #expect(
            try store.incidents() == [
                StoredIncident(dedupKey: "riskd/m/e", pagedTier: "L2", belowSince: nil, lastUpdate: 5)
            ])
        #expect(try store.outboxCount() == 1)
    }

    @Test(arguments: Backend.allCases) func aFailedDecisionLeavesNeitherIncidentNorEvent(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        #expect(throws: StorageError.self) {
            try store.updateIncident(dedupKey: "k") { transaction throws(StorageError) in
                try transaction.save(StoredIncident(dedupKey: "k", pagedTier: "L1", belowSince: 1, lastUpdate: 1))
                try transaction.enqueue(outboxEvent("dup", key: "k"))
                try transaction.enqueue(outboxEvent("dup", key: "k"))  // unique id violated: all rolls back
            }
        }
        #expect(try store.incidents().isEmpty)
        #expect(try store.outboxCount() == 0)
        // Other writers in the same SQLite group commit are unaffected.
        try store.updateIncident(dedupKey: "k") { transaction throws(StorageError) in
            try transaction.save(StoredIncident(dedupKey: "k", pagedTier: "L1", belowSince: 2.5, lastUpdate: 3))
        }
        #expect(try store.incidents().first?.belowSince == 2.5)
        try store.updateIncident(dedupKey: "k") { transaction throws(StorageError) in try transaction.save(nil) }
        #expect(try store.incidents().isEmpty)
    }

    @Test(arguments: Backend.allCases) func concurrentTierRisesPageOnce(_ backend: Backend) throws {
        // Two "replicas" (separate stores on one database) and many threads see the same tier rise.
        let url = try backend.freshURL()
        let first = try StateStore(url: url, now: 0)
        let second: StateStore = backend == .postgres ? try StateStore(url: url, now: 0) : first
        defer {
            first.close()
            second.close()
        }
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let store = index % 2 == 0 ? first : second
            _ = try? store.updateIncident(dedupKey: "riskd/m/e") { transaction throws(StorageError) in
                guard try transaction.incident() == nil else { return }
                try transaction.save(
                    StoredIncident(dedupKey: "riskd/m/e", pagedTier: "L3", belowSince: nil, lastUpdate: 1))
                try transaction.enqueue(outboxEvent("page-\(index)", key: "riskd/m/e"))
            }
        }
        #expect(try first.outboxCount() == 1)
    }

    @Test(arguments: Backend.allCases) func webhookIdsAreRecognisedUntilTheyExpire(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        #expect(try store.recordDelivery(id: "d1", now: 1_000, ttl: 100))
        #expect(try !store.recordDelivery(id: "d1", now: 1_050, ttl: 100))
        #expect(try store.recordDelivery(id: "d2", now: 1_050, ttl: 100))
        #expect(try store.recordDelivery(id: "d1", now: 1_101, ttl: 100), "expired after the TTL")
        #expect(try store.pruneDeliveries(before: 1_060) == 1)
    }
}
