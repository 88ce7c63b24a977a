import Foundation
import Registry
import Testing

@testable import ModelTools

/// The samples file's rules in-process: what is refused, and how differences are measured.
@Suite struct ParitySamplesTests {
    static func fixtureModel() throws -> ServableModel {
        let directory = try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures/disk-xgb").path)
        return try ModelVersionLoader.load(name: "disk", version: 1, directory: directory, now: 0)
    }

    @Test(arguments: [
        (#"{"rows": []}"#, "rows is empty"),
        (#"{"rows": [{"features": {}, "prediction": 0.1}], "tolerance": -1}"#, "tolerance"),
        (#"{"rows": [{"features": {"a": "x"}, "prediction": 0.1}]}"#, "rows[0].features.a"),
        (#"{"rows": [{"features": {}}]}"#, "rows[0].prediction"),
        (#"{"rows": [{"features": {}, "prediction": "high"}]}"#, "rows[0].prediction"),
        (#"{"samples": []}"#, "rows"),
        (#"{"rows": "#, "samples: "),
    ])
    func malformedSamplesAreRefusedNamingTheKey(text: String, fragment: String) {
        #expect {
            _ = try ParitySamples(parsing: Array(text.utf8))
        } throws: { error in
            (error as? SamplesError)?.description.contains(fragment) == true
        }
    }

    @Test func differencesAreMeasuredAgainstTheTolerance() throws {
        let model = try Self.fixtureModel()
        let exact = model.model.predict([1, 0, .nan, 0.5, -1, 2])[0]
        let text = """
            {"tolerance": 0.001, "rows": [
              {"features": {"smart_5_raw": 1, "smart_187_raw": 0, "temperature_c": 0.5, "power_on_hours": -1,
                            "read_error_rate": 2, "smart_197_raw": null}, "prediction": \(exact)},
              {"features": {"smart_5_raw": 1, "smart_187_raw": 0, "temperature_c": 0.5, "power_on_hours": -1,
                            "read_error_rate": 2}, "prediction": \(exact + 0.0005)},
              {"features": {"smart_5_raw": 1, "smart_187_raw": 0, "temperature_c": 0.5, "power_on_hours": -1,
                            "read_error_rate": 2}, "prediction": [\(exact + 0.01)]}]}
            """
        let result = try ParitySamples(parsing: Array(text.utf8)).compare(with: model)
        #expect(result.rows == 3 && result.mismatches == 1 && !result.passed)
        #expect(abs(result.maxDifference - 0.01) < 1e-12)
        #expect(result.firstMismatch?.hasPrefix("rows[2]") == true)
    }

    @Test func aPredictionWithTheWrongNumberOfOutputsIsAnError() throws {
        let text = #"{"rows": [{"features": {"smart_5_raw": 1}, "prediction": [0.1, 0.9]}]}"#
        #expect(throws: SamplesError.self) {
            try ParitySamples(parsing: Array(text.utf8)).compare(with: try Self.fixtureModel())
        }
    }
}
