import JSON
import Metrics
import Testing

@testable import Monitoring

@Suite struct VersionOutcomesTests {
    private func outcomes(maxListed: Int = 10) -> VersionOutcomes {
        VersionOutcomes(
            model: "disk", version: "3",
            tiers: [TierThreshold(name: "l3", risk: 0.6), TierThreshold(name: "l1", risk: 0.3)],
            maxListedErrors: maxListed)
    }

    private func labeled(_ cases: [(Double, Int)]) -> [VersionOutcomes.LabeledPrediction] {
        cases.enumerated().map { index, pair in
            (id: "p\(index)", entity: "e\(index)", risk: pair.0, tier: "t", time: Double(10 + index), label: pair.1)
        }
    }

    @Test func precisionRecallBrierAndCalibration() throws {
        // (risk, label): two at high risk (1 hit), two mid (1 hit), two low (0 hits), one low miss.
        let cases: [(Double, Int)] = [(0.9, 1), (0.7, 0), (0.4, 1), (0.35, 0), (0.1, 0), (0.05, 0), (0.2, 1)]
        let stats = outcomes().statistics(labeled: labeled(cases), pending: 4)
        #expect(stats.labeled == 7 && stats.positives == 3 && stats.pending == 4)
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

    @Test func errorListsAreBoundedOldestFirstButCountsAreComplete() {
        let stats = outcomes(maxListed: 1).statistics(labeled: labeled([(0.9, 0), (0.8, 0), (0.1, 1)]), pending: 0)
        #expect(stats.falsePositives == 2 && stats.falsePositiveIDs == ["p0"])
        #expect(stats.falseNegatives == 1 && stats.falseNegativeIDs == ["p2"])
    }

    @Test func nothingLabeledHasNoScores() {
        let stats = outcomes().statistics(labeled: [], pending: 3)
        #expect(stats.labeled == 0 && stats.pending == 3)
        #expect(stats.brierScore == nil && stats.expectedCalibrationError == nil)
        #expect(stats.tiers.allSatisfy { $0.precision == nil && $0.recall == nil })
    }

    @Test func metricsRenderThePublishedStatisticsAndTheAcceptedOutcomes() {
        let registry = MetricsRegistry()
        let version = outcomes()
        OutcomeMetrics.register(on: registry, trackers: { [version] })
        version.countOutcomes(1, source: .alertmanager)
        version.countOutcomes(0, source: .api)
        // Scrapes render the last published refresh only: nothing is computed at scrape time.
        let before = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(!before.contains("riskd_model_brier_score{"))
        version.publish(version.statistics(labeled: labeled([(0.75, 1)]), pending: 0))
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(text.contains("riskd_model_brier_score{model=\"disk\",version=\"3\"} 0.0625"))
        #expect(text.contains("# TYPE riskd_model_outcomes_total counter"))
        #expect(text.contains("riskd_model_outcomes_total{model=\"disk\",version=\"3\",source=\"alertmanager\"} 1"))
        #expect(!text.contains("source=\"api\""), "a source with nothing accepted has no series")
        #expect(text.contains("riskd_model_recall_ratio{model=\"disk\",version=\"3\",tier=\"l3\"} 1"))
        #expect(version.outcomeCounts() == [.alertmanager: 1])
    }
}
