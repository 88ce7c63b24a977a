import Alerting
import Testing

@Suite struct WebhookDeduplicatorTests {
    @Test func repeatWithinTTLIsDuplicate() {
        let deduplicator = WebhookDeduplicator(capacity: 10, ttlSeconds: 60)
        #expect(deduplicator.isFirstDelivery(id: "a", now: 0))
        #expect(!deduplicator.isFirstDelivery(id: "a", now: 59))
        #expect(deduplicator.isFirstDelivery(id: "b", now: 59))
        #expect(deduplicator.isFirstDelivery(id: "a", now: 60))
        #expect(!deduplicator.isFirstDelivery(id: "a", now: 61))
    }

    @Test func capacityEvictsTheOldest() {
        let deduplicator = WebhookDeduplicator(capacity: 3, ttlSeconds: 1_000)
        for (index, id) in ["a", "b", "c", "d"].enumerated() {
            #expect(deduplicator.isFirstDelivery(id: id, now: Double(index)))
        }
        #expect(deduplicator.count == 3)
        #expect(!deduplicator.isFirstDelivery(id: "d", now: 5))
        #expect(!deduplicator.isFirstDelivery(id: "b", now: 5))
        #expect(deduplicator.isFirstDelivery(id: "a", now: 5))
    }

    @Test func memoryStaysBoundedUnderManyIDs() {
        let deduplicator = WebhookDeduplicator(capacity: 100, ttlSeconds: 10)
        for index in 0..<20_000 { _ = deduplicator.isFirstDelivery(id: "id-\(index)", now: Double(index) / 100) }
        #expect(deduplicator.count <= 100)
    }
}
