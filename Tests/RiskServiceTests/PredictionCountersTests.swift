import Metrics
import Testing

@testable import RiskCore
@testable import RiskService

@Suite struct PredictionCountersTests {
    /// Each answer lands in the series of its own source and tier, with the batch's counts added once.
    @Test func aMixedBatchIsCountedPerSourceAndTier() {
        let registry = MetricsRegistry()
        let family = registry.counterFamily(
            "riskd_predictions_total", help: "Predictions.", labelNames: ["model", "version", "source", "tier"])
        let counters = PredictionCounters(model: "disk", version: "3", family: family)
        let batch: [(RiskAssessment.Source, EscalationTier)] = [
            (.model, .none), (.model, .l1), (.model, .l1), (.model, .l3), (.fallback, .l3), (.fallback, .none),
            (.model, .l3), (.model, .l3),
        ]
        counters.count(
            batch.map { source, tier in
                RiskAssessment(
                    risk: 0.5, score: nil, lower: nil, upper: nil, tier: tier, source: source, fallbackReason: nil,
                    missingFeatures: [], outOfRangeFeatures: [])
            })
        counters.count([])
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        let expected = [
            ("model", "none", 1), ("model", "L1", 2), ("model", "L3", 3), ("fallback", "none", 1),
            ("fallback", "L1", 0), ("fallback", "L3", 1),
        ]
        for (source, tier, count) in expected {
            let line =
                #"riskd_predictions_total{model="disk",version="3",source="\#(source)",tier="\#(tier)"} \#(count)"#
            #expect(text.contains(line), "missing \(line)")
        }
    }
}
