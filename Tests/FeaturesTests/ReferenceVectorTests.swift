import Foundation
import Testing

@testable import Features

/// Every aggregation against the Python reference the training pipeline uses (training/riskd_features.py),
/// on an irregular series with a counter reset, so serving and training cannot drift apart silently.
@Suite struct ReferenceVectorTests {
    struct Case {
        let aggregation: Aggregation
        let window: Double
        let asOf: Double
        let expected: Double?
    }

    static func load() throws -> (times: [Double], values: [Double], cases: [Case]) {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/aggregation_vectors.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        let times = try #require(root["timestamps"] as? [Double])
        let values = try #require(root["values"] as? [Double])
        let cases = try #require(root["cases"] as? [[String: Any]]).map { item in
            Case(
                aggregation: Aggregation(rawValue: item["aggregation"] as? String ?? "") ?? .count,
                window: item["window_seconds"] as? Double ?? 0, asOf: item["as_of"] as? Double ?? 0,
                expected: item["value"] as? Double)
        }
        return (times, values, cases)
    }

    @Test func everyAggregationMatchesThePythonReference() throws {
        let (times, values, cases) = try Self.load()
        #expect(cases.count > 30)
        #expect(Set(cases.map(\.aggregation)) == Set(Aggregation.allCases))
        for item in cases {
            let actual = WindowAggregator.evaluate(
                item.aggregation, timestamps: times, values: values, from: item.asOf - item.window, through: item.asOf)
            if let expected = item.expected {
                #expect(abs(actual - expected) <= 1e-12 * max(1, abs(expected)), "\(item)")
            } else {
                #expect(actual.isNaN, "\(item) should be missing")
            }
        }
    }
}
