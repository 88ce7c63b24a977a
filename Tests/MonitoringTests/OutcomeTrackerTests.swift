import JSON
import Metrics
import Testing

@testable import Monitoring

@Suite struct OutcomeTrackerTests {
    private func tracker(capacity: Int = 100, ttl: Double = 1000, maxListed: Int = 10, shards: Int = 4)
        -> OutcomeTracker
    {
        OutcomeTracker(
            model: "disk", version: "3",
            tiers: [TierThreshold(name: "l3", risk: 0.6), TierThreshold(name: "l1", risk: 0.3)], capacity: capacity,
            ttlSeconds: ttl, maxListedErrors: maxListed, shards: shards)
    }

    @Test func precisionRecallBrierAndCalibration() throws {
        let outcomes = tracker()
        // (risk, label): two at high risk (1 hit), two mid (1 hit), two low (0 hits), one low miss.
        let cases: [(Double, Int)] = [(0.9, 1), (0.7, 0), (0.4, 1), (0.35, 0), (0.1, 0), (0.05, 0), (0.2, 1)]
        for (index, (risk, label)) in cases.enumerated() {
            outcomes.recordPrediction(id: "p\(index)", entity: "e\(index)", risk: risk, tier: "t", time: 10)
            #expect(outcomes.recordOutcome(predictionID: "p\(index)", label: label, source: .api, now: 20))
        }
        let stats = outcomes.statistics(now: 20)
        #expect(stats.labeled == 7 && stats.positives == 3 && stats.pending == 0)
        // Tiers are sorted by threshold: l1 (0.3) first.
        #expect(stats.tiers.map(\.tier.name) == ["l1", "l3"])
        #expect(stats.tiers[0].precision == 0.5 && stats.tiers[1].precision == 0.5)
        #expect(abs(try #require(stats.tiers[0].recall) - 2.0 / 3) < 1e-12)
        #expect(abs(try #require(stats.tiers[1].recall) - 1.0 / 3) < 1e-12)
        let brier = cases.map { ($0.0 - Double($0.1)) * ($0.0 - Double($0.1)) }.reduce(0, +) / 7
        #expect(abs(try #require(stats.brierScore) - brier) < 1e-12)
        // Bins: 0.0x → {0.05:0}, 0.1x → {0.1:0}, 0.2x → {0.2:1}, 0.3x → {0.35:0}, 0.4x → {0.4:1}, 0.7x, 0.9x.
        let ece = (0.05 + 0.1 + 0.8 + 0.35 + 0.6 + 0.7 + 0.1) / 7
        #expect(abs(try #require(stats.expectedCalibrationError) - ece) < 1e-12)
        #expect(stats.falsePositiveIDs == ["p1", "p3"] && stats.falseNegativeIDs == ["p6"])
    }

    @Test func entityWindowLabelsOnlyMatchingUnlabeledPredictions() {
        let outcomes = tracker()
        outcomes.recordPrediction(id: "a", entity: "disk-1", risk: 0.8, tier: "l3", time: 100)
        outcomes.recordPrediction(id: "b", entity: "disk-1", risk: 0.7, tier: "l3", time: 200)
        outcomes.recordPrediction(id: "c", entity: "disk-1", risk: 0.7, tier: "l3", time: 400)
        outcomes.recordPrediction(id: "d", entity: "disk-2", risk: 0.7, tier: "l3", time: 200)
        #expect(outcomes.recordOutcome(predictionID: "a", label: 0, source: .api, now: 300))
        let labeled = outcomes.recordOutcome(
            entity: "disk-1", from: 50, to: 300, label: 1, source: .pagerduty, now: 300)
        #expect(labeled == 1)
        #expect(outcomes.outcomeCounts() == [.api: 1, .pagerduty: 1])
        #expect(!outcomes.recordOutcome(predictionID: "a", label: 1, source: .api, now: 300))
        #expect(!outcomes.recordOutcome(predictionID: "c", label: 2, source: .api, now: 300))
        #expect(outcomes.statistics(now: 300).pending == 2)
    }

    @Test func boundedByCapacityAndTTL() {
        // One shard: exactly the 3 most recent are kept.
        let outcomes = tracker(capacity: 3, ttl: 100, maxListed: 1, shards: 1)
        for index in 0..<5 {
            outcomes.recordPrediction(id: "p\(index)", entity: "e", risk: 0.9, tier: "l3", time: Double(index))
        }
        #expect(!outcomes.recordOutcome(predictionID: "p0", label: 0, source: .api, now: 10))
        #expect(outcomes.recordOutcome(predictionID: "p2", label: 0, source: .api, now: 10))
        #expect(outcomes.recordOutcome(predictionID: "p3", label: 0, source: .api, now: 10))
        #expect(!outcomes.recordOutcome(predictionID: "p4", label: 0, source: .api, now: 200))
        let stats = outcomes.statistics(now: 10)
        #expect(stats.falsePositives == 2 && stats.falsePositiveIDs == ["p2"])
        #expect(outcomes.statistics(now: 500).labeled == 0)
    }

    @Test func metricsAreExposedPerModelVersion() {
        let registry = MetricsRegistry()
        let outcomes = tracker()
        outcomes.recordPrediction(id: "x", entity: "e", risk: 0.75, tier: "l3", time: 10)
        outcomes.recordOutcome(predictionID: "x", label: 1, source: .alertmanager, now: 10)
        OutcomeMetrics.register(on: registry, trackers: { [outcomes] })
        // Scrapes render the last refresh only: nothing is computed at scrape time.
        let before = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(!before.contains("riskd_model_brier_score{"))
        outcomes.refresh(now: 20)
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(text.contains("riskd_model_brier_score{model=\"disk\",version=\"3\"} 0.0625"))
        #expect(text.contains("# TYPE riskd_model_outcomes_total counter"))
        #expect(text.contains("riskd_model_outcomes_total{model=\"disk\",version=\"3\",source=\"alertmanager\"} 1"))
        #expect(text.contains("riskd_model_recall_ratio{model=\"disk\",version=\"3\",tier=\"l3\"} 1"))
    }

    @Test func entityWindowsFindTheirPredictionsThroughTheIndexAcrossShards() {
        let outcomes = OutcomeTracker(
            model: "disk", version: "3", tiers: [TierThreshold(name: "l1", risk: 0.5)], capacity: 1_000, shards: 4)
        let batch = (0..<600).map { index in
            OutcomeTracker.Prediction(
                id: "p\(index)", entity: "disk-\(index % 10)", risk: 0.6, tier: "l1", time: Double(index))
        }
        outcomes.recordPredictions(batch)
        // disk-3 has predictions at 3, 13, …, 593: 20 of them fall in [100, 299].
        #expect(outcomes.recordOutcome(entity: "disk-3", from: 100, to: 299, label: 1, source: .api, now: 600) == 20)
        #expect(outcomes.recordOutcome(entity: "disk-3", from: 100, to: 299, label: 0, source: .api, now: 600) == 0)
        #expect(outcomes.recordOutcome(predictionID: "p599", label: 0, source: .api, now: 600))
        let stats = outcomes.statistics(now: 600)
        #expect(stats.labeled == 21 && stats.pending == 579)
    }

    @Test func shardedCapacityStaysBounded() {
        let outcomes = tracker(capacity: 1_000, shards: 4)
        outcomes.recordPredictions(
            (0..<10_000).map { .init(id: "p\($0)", entity: "e\($0 % 7)", risk: 0.5, tier: "l1", time: 1) })
        let pending = outcomes.statistics(now: 1).pending
        #expect(pending <= 1_000 && pending >= 900)
        #expect(outcomes.recordOutcome(predictionID: "p9999", label: 1, source: .api, now: 1))
        #expect(!outcomes.recordOutcome(predictionID: "p0", label: 1, source: .api, now: 1))
    }

    @Test func evictedPredictionsLeaveTheEntityIndex() {
        let outcomes = OutcomeTracker(
            model: "disk", version: "3", tiers: [TierThreshold(name: "l1", risk: 0.5)], capacity: 100, shards: 1)
        for index in 0..<300 {
            outcomes.recordPrediction(
                id: "p\(index)", entity: index < 200 ? "old" : "new", risk: 0.6, tier: "l1", time: Double(index))
        }
        #expect(outcomes.recordOutcome(entity: "old", from: 0, to: 1_000, label: 1, source: .api, now: 300) == 0)
        #expect(outcomes.recordOutcome(entity: "new", from: 0, to: 1_000, label: 1, source: .api, now: 300) == 100)
    }

    /// One hot entity filling the whole ring (every eviction drops its oldest slot) keeps exactly the
    /// predictions still in the ring, interleaved with another entity, through many queue compactions.
    @Test func aHotEntityEvictsOldestFirstThroughTheQueue() {
        let outcomes = OutcomeTracker(
            model: "disk", version: "3", tiers: [TierThreshold(name: "l1", risk: 0.5)], capacity: 500, shards: 1)
        for index in 0..<20_000 {
            outcomes.recordPrediction(
                id: "p\(index)", entity: index % 10 == 0 ? "cold" : "hot", risk: 0.6, tier: "l1",
                time: Double(index))
        }
        // The ring keeps predictions 19,500..<20,000: 450 of "hot", 50 of "cold"; older windows label nothing.
        #expect(outcomes.recordOutcome(entity: "hot", from: 0, to: 19_499, label: 1, source: .api, now: 20_000) == 0)
        #expect(outcomes.recordOutcome(entity: "hot", from: 0, to: 30_000, label: 1, source: .api, now: 20_000) == 450)
        #expect(outcomes.recordOutcome(entity: "cold", from: 0, to: 30_000, label: 0, source: .api, now: 20_000) == 50)
    }
}

@Suite struct OutcomeRefreshTests {
    @Test func refreshRecomputesOnlyAfterChangesOrWhenOld() {
        let outcomes = OutcomeTracker(model: "disk", version: "3", tiers: [TierThreshold(name: "l1", risk: 0.5)])
        outcomes.recordPrediction(id: "a", entity: "e", risk: 0.9, tier: "l1", time: 0)
        #expect(outcomes.refresh(now: 1).pending == 1)
        outcomes.recordOutcome(predictionID: "a", label: 1, source: .api, now: 2)
        #expect(outcomes.refresh(now: 2).labeled == 1)
        // Unchanged and recent: the kept statistics (computed at 2) are served.
        #expect(outcomes.refresh(now: 3).labeled == 1)
        // Old enough to recompute: the prediction's TTL (30 days) has not passed, still labeled.
        #expect(outcomes.refresh(now: 2 + OutcomeTracker.maxRefreshAge).labeled == 1)
        // Past the TTL the recomputed statistics drop it.
        #expect(outcomes.refresh(now: 31 * 86_400).labeled == 0)
        #expect(outcomes.latestStatistics?.labeled == 0)
    }
}
