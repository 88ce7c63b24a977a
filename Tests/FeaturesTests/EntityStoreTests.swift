import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Features

final class ManualClock: Sendable {
    private let now = Mutex<Double>(1_000)
    func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    var read: @Sendable () -> Double { { [self] in now.withLock { $0 } } }
}

@Suite struct EntityStoreTests {
    let clock = ManualClock()

    func store(_ configure: (inout EntityStoreLimits) -> Void = { _ in }) -> EntityStore {
        var limits = EntityStoreLimits()
        configure(&limits)
        return EntityStore(limits: limits, shardCount: 8, clock: clock.read)
    }

    func points(_ metric: String, _ pairs: [(Double, Double)]) -> [MetricPoint] {
        pairs.map { MetricPoint(metric: metric, timestamp: $0.0, value: $0.1) }
    }

    @Test func outOfOrderPointsAreSortedAndDuplicatesReplace() throws {
        let store = store()
        let report = try store.ingest(
            entity: "h", points: points("cpu", [(30, 3), (10, 1), (20, 2), (20, 5)]), labels: [:])
        #expect(report.accepted == 3)
        #expect(report.replaced == 1)
        let spec = FeatureSpec(name: "x", metric: "cpu", aggregation: .last, windowSeconds: 100)
        let first = FeatureSpec(name: "y", metric: "cpu", aggregation: .delta, windowSeconds: 100)
        let vector = try #require(store.features(entity: "h", specs: [spec, first], asOf: nil))
        #expect(vector.asOf == 30)
        #expect(vector.values == [3, 3 - 1])
        let mean = FeatureSpec(name: "m", metric: "cpu", aggregation: .mean, windowSeconds: 100)
        #expect(store.features(entity: "h", specs: [mean], asOf: nil)?.values == [(1 + 5 + 3) / 3])
    }

    @Test func pointsOlderThanRetentionAreRejectedAndPruned() throws {
        let store = store { $0.defaultRetentionSeconds = 60 }
        store.setRetention(["disk": 1_000])
        var report = try store.ingest(entity: "h", points: points("cpu", [(100, 1), (200, 2)]), labels: [:])
        // 100 fell out of cpu's 60-second retention as soon as 200 arrived: too old, not accepted.
        #expect(report.accepted == 1)
        #expect(report.rejectedTooOld == 1)
        #expect(store.pointCount == 1)
        report = try store.ingest(entity: "h", points: points("cpu", [(130, 9)]), labels: [:])
        #expect(report.rejectedTooOld == 1)
        report = try store.ingest(entity: "h", points: points("disk", [(100, 1), (1_050, 2)]), labels: [:])
        #expect(report.accepted == 2)
        #expect(store.pointCount == 3)
    }

    @Test func invalidValuesAndLimitsAreCounted() throws {
        let store = store {
            $0.maxMetricsPerEntity = 2
            $0.maxPointsPerSeries = 3
        }
        let report = try store.ingest(
            entity: "h",
            points: points("a", [(1, .nan), (2, 1), (3, 1), (4, 1), (5, 1)]) + points("b", [(1, 1)])
                + points("c", [(1, 1)]) + [MetricPoint(metric: "a", timestamp: .infinity, value: 1)],
            labels: [:])
        #expect(report.rejectedInvalid == 2)
        #expect(report.rejectedLimit == 2)  // metric c over the metric cap; a's oldest point over the point cap
        #expect(report.accepted == 4)
        #expect(store.pointCount == 4)  // a keeps its newest 3 points, b has 1
        let count = FeatureSpec(name: "n", metric: "a", aggregation: .count, windowSeconds: 1_000)
        #expect(store.features(entity: "h", specs: [count], asOf: nil)?.values == [3])
    }

    @Test func pointsDroppedAtOnceAreRejectedNotAccepted() throws {
        let store = store { $0.maxPointsPerSeries = 4 }
        var report = try store.ingest(
            entity: "h", points: points("a", (1...6).map { (Double($0 * 10), 1) }), labels: [:])
        #expect(report.accepted == 4)
        #expect(report.rejectedLimit == 2)
        // An older point into a full series is inserted and evicted in the same breath.
        report = try store.ingest(entity: "h", points: points("a", [(5, 1)]), labels: [:])
        #expect(report.accepted == 0)
        #expect(report.rejectedLimit == 1)
        // A later point of the batch pushes an earlier one out of retention: too old, not accepted.
        let short = self.store { $0.defaultRetentionSeconds = 100 }
        report = try short.ingest(entity: "h", points: points("a", [(10, 1), (500, 2)]), labels: [:])
        #expect(report.accepted == 1)
        #expect(report.rejectedTooOld == 1)
        #expect(short.pointCount == 1)
    }

    @Test func featuresSayWhichAsOfTimesHistoryStillCovers() throws {
        let store = store()
        store.setRetention(["a": 100])
        let spec = FeatureSpec(name: "x", metric: "a", aggregation: .count, windowSeconds: 100)
        _ = try store.ingest(entity: "h", points: points("a", [(10, 1), (50, 1)]), labels: [:])
        var vector = try #require(store.features(entity: "h", specs: [spec], asOf: 20))
        #expect(vector.earliestExactAsOf == -.infinity)
        _ = try store.ingest(entity: "h", points: points("a", [(300, 1)]), labels: [:])
        vector = try #require(store.features(entity: "h", specs: [spec], asOf: 60))
        // 10 and 50 were dropped: a 100-second window is exact only from as-of 50 + 100 on.
        #expect(vector.earliestExactAsOf == 150)
        #expect(vector.latestTimestamp == 300)
        #expect(vector.values == [0])
    }

    @Test func theByteBudgetRefusesIngestUntilIdleEntitiesGo() throws {
        let store = store {
            $0.maxBytes = 4_096
            $0.idleTTLSeconds = 60
        }
        var entity = 0
        while store.approximateMemoryBytes < 4_096 {
            _ = try store.ingest(
                entity: "e\(entity)", points: points("a", (0..<8).map { (Double($0), 1) }), labels: [:])
            entity += 1
            #expect(entity < 100)
        }
        #expect(throws: IngestError.byteBudgetExhausted(4_096)) {
            try store.ingest(entity: "late", points: points("a", [(1, 1)]), labels: [:])
        }
        #expect(store.labels(entity: "late") == nil)
        clock.advance(61)
        let report = try store.ingest(entity: "late", points: points("a", [(1, 1)]), labels: [:])
        #expect(report.accepted == 1)
        #expect(store.entityCount == 1)
    }

    @Test func missingMetricIsNaNAndUnknownEntityIsNil() throws {
        let store = store()
        _ = try store.ingest(entity: "h", points: points("a", [(1, 1)]), labels: ["zone": "z1"])
        let specs = [
            FeatureSpec(name: "x", metric: "b", aggregation: .mean, windowSeconds: 10),
            FeatureSpec(name: "n", metric: "b", aggregation: .count, windowSeconds: 10),
        ]
        let vector = try #require(store.features(entity: "h", specs: specs, asOf: nil))
        #expect(vector.values[0].isNaN)
        #expect(vector.values[1] == 0)
        #expect(vector.missingCount == 1)
        #expect(store.features(entity: "other", specs: specs, asOf: nil) == nil)
        #expect(store.labels(entity: "h") == ["zone": "z1"])
    }

    @Test func entityLimitEvictsIdleEntitiesFirst() throws {
        let store = store {
            $0.maxEntities = 2
            $0.idleTTLSeconds = 100
        }
        _ = try store.ingest(entity: "a", points: points("m", [(1, 1)]), labels: [:])
        _ = try store.ingest(entity: "b", points: points("m", [(1, 1)]), labels: [:])
        #expect(throws: IngestError.entityLimitReached(2)) {
            try store.ingest(entity: "c", points: points("m", [(1, 1)]), labels: [:])
        }
        clock.advance(50)
        _ = try store.ingest(entity: "b", points: points("m", [(2, 1)]), labels: [:])
        clock.advance(60)  // a idle for 110 s, b for 60 s
        _ = try store.ingest(entity: "c", points: points("m", [(1, 1)]), labels: [:])
        #expect(store.entityCount == 2)
        #expect(store.labels(entity: "a") == nil)
        #expect(store.labels(entity: "b") != nil)
    }

    @Test func invalidEntityIDs() {
        #expect(!EntityStore.isValidEntityID(""))
        #expect(!EntityStore.isValidEntityID(String(repeating: "x", count: 257)))
        #expect(!EntityStore.isValidEntityID("a\nb"))
        #expect(EntityStore.isValidEntityID("disk/ZA1234 — sdb"))
        #expect(throws: IngestError.invalidEntityID) { try store().ingest(entity: "", points: [], labels: [:]) }
    }

    @Test func concurrentIngestKeepsExactCounts() throws {
        let store = store { $0.defaultRetentionSeconds = 100_000 }
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for step in 0..<250 {
                let entity = "e\(step % 50)"
                let time = Double(worker * 1_000 + step)
                _ = try? store.ingest(
                    entity: entity, points: [MetricPoint(metric: "m", timestamp: time, value: 1)], labels: [:])
            }
        }
        #expect(store.entityCount == 50)
        #expect(store.pointCount == 2_000)
        let count = FeatureSpec(name: "n", metric: "m", aggregation: .count, windowSeconds: 100_000)
        let total = (0..<50).compactMap { store.features(entity: "e\($0)", specs: [count], asOf: 10_000)?.values[0] }
        #expect(total.reduce(0, +) == 2_000)
        #expect(store.approximateMemoryBytes > 2_000 * 16)
        #expect(store.remove(entity: "e0"))
        #expect(store.entityCount == 49)
    }
}
