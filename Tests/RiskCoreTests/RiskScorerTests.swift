import Foundation
import Log
import Metrics
import Registry
import RiskdTesting
import Testing

@testable import RiskCore

/// Loads `disk` v1 from a temporary repository: logistic regression risk = sigmoid(a + 2b - 1).
func servable(manifest: String) throws -> (ServableModel, TemporaryModelRepository) {
    let repository = try TemporaryModelRepository()
    try repository.addLinearVersion("disk", version: 1, coefficients: [1, 2], intercept: -1, manifest: manifest)
    let registry = ModelRegistry(
        configuration: RegistryConfiguration(directory: repository.root),
        logger: Logger(label: "test", sink: RecordingLogSink()), metrics: MetricsRegistry())
    registry.reload()
    return (try #require(registry.snapshot.models["disk"]?.serving), repository)
}

@Suite struct RiskScorerTests {
    static let withRules = """
        {"task": "binary", "min_feature_fraction": 0.5,
         "fallback": {"rules": [{"feature": "b", "op": ">=", "value": 2, "risk": 0.8}], "default_risk": 0.05}}
        """
    static let withoutRules = #"{"task": "binary", "min_feature_fraction": 1}"#

    @Test func aBatchScoresEveryRowAsASingleRowWould() throws {
        let (model, _) = try servable(manifest: Self.withRules)
        let rows: [[Double]] = [[0.5, 1], [-2, 0], [.nan, 3], [.nan, .nan], [4, .nan]]
        var matrix = FeatureMatrix(rowCount: rows.count, columnCount: 2)
        for (index, row) in rows.enumerated() { for column in 0..<2 { matrix[index, column] = row[column] } }
        let scorer = RiskScorer(policy: nil)
        let batch = try scorer.assess(batch: matrix, with: model)
        #expect(batch.count == rows.count)
        for (index, row) in rows.enumerated() {
            let single = try scorer.assess(row, with: model)
            #expect(batch[index].risk == single.risk)
            #expect(batch[index].source == single.source)
            #expect(batch[index].missingFeatures == single.missingFeatures)
        }
        // sigmoid(0.5 + 2 - 1)
        #expect(abs(batch[0].risk - 1 / (1 + exp(-1.5))) < 1e-12)
        #expect(batch[3].source == .fallback && batch[3].risk == 0.05)
        #expect(batch[3].missingFeatures == ["a", "b"])
    }

    @Test func tooFewFeaturesWithoutRulesIsAClientErrorNamingTheMissingFeatures() throws {
        let (model, _) = try servable(manifest: Self.withoutRules)
        var matrix = FeatureMatrix(rowCount: 2, columnCount: 2)
        matrix[0, 0] = 1
        matrix[0, 1] = 1
        matrix[1, 0] = 3
        #expect(throws: ScoringError.self) { try RiskScorer(policy: nil).assess(batch: matrix, with: model) }
        do {
            _ = try RiskScorer(policy: nil).assess(batch: matrix, with: model)
        } catch {
            #expect(error.kind == .insufficientFeatures)
            #expect(error.row == 1)
            #expect(error.missingFeatures == ["b"])
            #expect(error.message.contains("missing: b"))
        }
    }
}
