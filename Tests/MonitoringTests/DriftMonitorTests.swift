import JSON
import Metrics
import ModelSpec
import Testing

@testable import Monitoring

@Suite struct DriftMonitorTests {
    private let reference = ReferenceDistribution(
        edges: [0, 1, 2, 3, 4], proportions: [0.25, 0.25, 0.25, 0.25], mean: 2, std: 1.15,
        sample: (0..<400).map { Double($0) / 100 })

    private func monitor(capacity: Int) -> DriftMonitor {
        DriftMonitor(
            model: "disk", version: "3", featureNames: ["a", "b"], features: ["a": reference], score: nil,
            capacity: capacity)
    }

    @Test func uniformTrafficShowsNoDrift() throws {
        let drift = monitor(capacity: 1000)
        for index in 0..<400 { drift.record(features: [Double(index) / 100 + 0.005, .nan], score: 0.1) }
        let report = drift.report()
        #expect(report.features.map(\.name) == ["a"])
        let feature = try #require(report.features.first)
        #expect(try #require(feature.psi) < 0.01)
        #expect(try #require(feature.ksPValue) > 0.5)
        #expect(abs(try #require(feature.meanShiftPercent)) < 1)
    }

    @Test func ringKeepsOnlyTheMostRecentVectors() throws {
        let drift = monitor(capacity: 100)
        for _ in 0..<500 { drift.record(features: [0.5, 1], score: 0.1) }
        for _ in 0..<100 { drift.record(features: [3.5, 1], score: 0.1) }
        let report = drift.report()
        #expect(report.samples == 100 && report.observed == 600)
        let feature = try #require(report.features.first)
        #expect(feature.currentMean == 3.5)
        #expect(abs(try #require(feature.meanShiftPercent) - 75) < 1e-9)
        #expect(try #require(feature.psi) > 0.2)
        #expect(!drift.record(features: [1], score: 0.1))
    }

    @Test func retrainingTriggerFiresOncePerCooldown() {
        let drift = monitor(capacity: 100)
        let trigger = RetrainingTrigger(policy: RetrainingTriggerPolicy(minSamples: 50, cooldownSeconds: 3600))
        for _ in 0..<49 { drift.record(features: [3.9, 0], score: 0.1) }
        #expect(trigger.evaluate(drift.report(), now: 0).status == "insufficient_samples")
        drift.record(features: [3.9, 0], score: 0.1)
        let first = trigger.evaluate(drift.report(), now: 10)
        #expect(first.fire && first.reasons.count == 2)
        #expect(first.reasons[0].hasPrefix("a: PSI"))
        let again = trigger.evaluate(drift.report(), now: 3000)
        #expect(!again.fire && again.status == "cooldown")
        #expect(trigger.evaluate(drift.report(), now: 3611).fire)
    }

    @Test func concurrentRecordingLosesNothing() async {
        let drift = monitor(capacity: 10_000)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<1000 { drift.record(features: [Double(worker), Double(index)], score: 0.1) }
                }
            }
        }
        #expect(drift.report().samples == 4000)
    }

    @Test func metricsExposePSIAndEWMA() {
        let drift = DriftMonitor(
            model: "disk", version: "3", featureNames: ["a"], features: ["a": reference],
            score: ReferenceDistribution(edges: [0, 1], proportions: [1], mean: 0.1, std: 0.01), capacity: 10)
        for _ in 0..<10 { drift.record(features: [3.5], score: 0.5) }
        let registry = MetricsRegistry()
        DriftMetrics.register(on: registry, monitors: { [drift] })
        #expect(!String(decoding: registry.exposition(), as: UTF8.self).contains("riskd_model_feature_psi{"))
        drift.refresh()
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(text.contains("riskd_model_feature_psi{model=\"disk\",version=\"3\",feature=\"a\"} "))
        #expect(text.contains("riskd_model_score_ewma_out_of_control{model=\"disk\",version=\"3\"} 1"))
    }

    @Test func aBatchIsRecordedLikeItsRows() throws {
        let batch = monitor(capacity: 1_000)
        let single = monitor(capacity: 1_000)
        var rows: [Double] = []
        for index in 0..<200 {
            rows.append(contentsOf: [Double(index % 40) / 10, .nan])
            single.record(features: [Double(index % 40) / 10, .nan], score: 0.2)
        }
        // Every other row was scored by the model; the rest are skipped.
        let indices = Array(stride(from: 0, to: 200, by: 2))
        let scores = indices.map { _ in 0.2 }
        indices.withUnsafeBufferPointer { indices in
            scores.withUnsafeBufferPointer { batch.record(rows: rows, indices: indices, scores: $0) }
        }
        let report = batch.report()
        #expect(report.samples == 100 && report.observed == 100)
        let mean = try #require(report.features.first?.currentMean)
        let expected = indices.map { Double($0 % 40) / 10 }.reduce(0, +) / 100
        #expect(abs(mean - expected) < 1e-12)
        #expect(single.report().samples == 200)
    }
}
