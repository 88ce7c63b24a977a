import Foundation
import Storage
import Testing

@Suite struct StateStoreOutboxTests {
    @Test(arguments: Backend.allCases) func eventsOfAKeyAreClaimedInOrderOneAtATime(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        for (id, key) in [("a1", "a"), ("b1", "b"), ("a2", "a"), ("a3", "a")] {
            try store.enqueueOutbox(outboxEvent(id, key: key, body: "{\"id\":\"\(id)\"}"))
        }
        let first = try store.outboxSession()
        let second = try store.outboxSession()
        defer {
            first.close()
            second.close()
        }
        let a1 = try #require(try first.claim(now: 10, leaseSeconds: 30))
        #expect(a1.event == outboxEvent("a1", key: "a", body: "{\"id\":\"a1\"}"))
        let b1 = try #require(try second.claim(now: 10, leaseSeconds: 30))
        #expect(b1.event.id == "b1", "a2 waits behind the claimed a1")
        try second.complete(b1)
        #expect(try second.claim(now: 10, leaseSeconds: 30) == nil, "nothing else is deliverable while a1 is out")
        try first.postpone(a1, notBefore: 20)
        #expect(try second.claim(now: 15, leaseSeconds: 30) == nil, "a1 is not due before 20, and a2 waits for it")
        let retried = try #require(try second.claim(now: 20, leaseSeconds: 30))
        #expect(retried.event.id == "a1" && retried.attempts == 1)
        try second.complete(retried)
        var delivered: [String] = []
        while let next = try first.claim(now: 21, leaseSeconds: 30) {
            delivered.append(next.event.id)
            try first.complete(next)
        }
        #expect(delivered == ["a2", "a3"])
        #expect(try store.outboxCount() == 0)
    }

    @Test func aDeadReplicasClaimPassesToAnother() throws {
        let url = try Backend.postgres.freshURL()
        let replicaA = try StateStore(url: url, now: 0)
        let replicaB = try StateStore(url: url, now: 0)
        defer {
            replicaA.close()
            replicaB.close()
        }
        try replicaA.enqueueOutbox(outboxEvent("p1", key: "k"))
        try replicaA.enqueueOutbox(outboxEvent("p2", key: "k"))
        let dying = try replicaA.outboxSession()
        let survivor = try replicaB.outboxSession()
        defer { survivor.close() }
        #expect(try dying.claim(now: 1, leaseSeconds: 30)?.event.id == "p1")
        #expect(try survivor.claim(now: 1, leaseSeconds: 30) == nil, "p1 is locked by A, p2 waits behind it")
        dying.close()  // the connection drops mid-delivery, as when A is killed
        // The server ends A's backend (and releases its row lock) asynchronously after the disconnect, so the
        // survivor polls, as its delivery loop does, for a bounded time.
        var claimed = try survivor.claim(now: 1, leaseSeconds: 30)
        let deadline = Date().addingTimeInterval(10)
        while claimed == nil && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            claimed = try survivor.claim(now: 1, leaseSeconds: 30)
        }
        let taken = try #require(claimed)
        #expect(taken.event.id == "p1")
        try survivor.complete(taken)
        #expect(try survivor.claim(now: 1, leaseSeconds: 30)?.event.id == "p2")
    }

    @Test func sqliteLeasesOfAKilledProcessAreVoidOnRestart() throws {
        let url = try Backend.sqlite.freshURL()
        let before = try StateStore(url: url, now: 0)
        try before.enqueueOutbox(outboxEvent("x", key: "k"))
        let session = try before.outboxSession()
        #expect(try session.claim(now: 1, leaseSeconds: 3_600)?.event.id == "x")
        before.close()  // never completed: as if killed mid-delivery
        let after = try StateStore(url: url, now: 0)
        defer { after.close() }
        #expect(try after.outboxSession().claim(now: 2, leaseSeconds: 30)?.event.id == "x")
    }
}
