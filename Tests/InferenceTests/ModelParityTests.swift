import Inference
import Testing

/// Every fixture row must match the native library's prediction and raw margin: XGBoost exactly (float32
/// arithmetic as xgboost does it), LightGBM and scikit-learn within 1e-12 (double precision).
@Suite struct ModelParityTests {
    static let fixtures = [
        "xgb_binary", "xgb_logitraw", "xgb_reg_logistic", "xgb_regression", "xgb_multiclass", "xgb_dart",
        "xgb_categorical", "lgb_binary", "lgb_regression", "lgb_zero_missing", "lgb_multiclass", "lgb_categorical",
        "lgb_rf", "sk_forest_classifier", "sk_forest_regressor", "sk_logistic",
    ]

    @Test(arguments: fixtures)
    func matchesNativeLibrary(_ name: String) throws {
        let expected = try Fixture.expected(name)
        let model = try ModelLoader.load(try Fixture.bytes(expected.modelFile), format: expected.format)
        #expect(model.outputCount == expected.predictions[0].count || name == "xgb_logitraw")
        var mismatches: [String] = []
        for (index, row) in expected.rows.enumerated() {
            let margins = model.predictMargin(row)
            let predictions = model.predict(row)
            // binary:logitraw predicts the margin natively; riskd serves the probability.
            let actual = name == "xgb_logitraw" ? margins : predictions
            let tolerance = name.hasPrefix("xgb_") ? 0 : 1e-12
            if !close(actual, expected.predictions[index], tolerance) {
                mismatches.append("row \(index) \(row): predicted \(actual), expected \(expected.predictions[index])")
            }
            if let expectedMargins = expected.margins?[index], !close(margins, expectedMargins, tolerance) {
                mismatches.append("row \(index) \(row): margin \(margins), expected \(expectedMargins)")
            }
        }
        #expect(mismatches.isEmpty, "\(name): \(mismatches.count) mismatches, first: \(mismatches.prefix(3))")
    }

    @Test(arguments: fixtures)
    func batchMatchesSingleRows(_ name: String) throws {
        let expected = try Fixture.expected(name)
        let model = try ModelLoader.load(try Fixture.bytes(expected.modelFile), format: expected.format)
        let flat = expected.rows.flatMap { $0 }
        var output = [Double](repeating: .nan, count: expected.rows.count * model.outputCount)
        flat.withUnsafeBufferPointer { rows in
            output.withUnsafeMutableBufferPointer {
                model.predict(rows: rows, rowCount: expected.rows.count, into: $0)
            }
        }
        for (index, row) in expected.rows.enumerated() {
            let single = model.predict(row)
            #expect(Array(output[(index * model.outputCount)..<((index + 1) * model.outputCount)]) == single)
        }
    }

    @Test(arguments: fixtures)
    func emptyBatchWritesNothing(_ name: String) throws {
        let expected = try Fixture.expected(name)
        let model = try ModelLoader.load(try Fixture.bytes(expected.modelFile), format: expected.format)
        var output = [Double](repeating: 42, count: model.outputCount)
        [Double]().withUnsafeBufferPointer { rows in
            output.withUnsafeMutableBufferPointer { model.predict(rows: rows, rowCount: 0, into: $0) }
        }
        #expect(output.allSatisfy { $0 == 42 })
    }

    private func close(_ actual: [Double], _ expected: [Double], _ tolerance: Double) -> Bool {
        actual.count == expected.count && zip(actual, expected).allSatisfy { abs($0 - $1) <= tolerance }
    }
}
