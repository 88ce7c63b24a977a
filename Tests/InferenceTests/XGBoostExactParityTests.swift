import Inference
import Testing

/// riskd's XGBoost scores must equal xgboost's own output exactly (Venn-Abers calibration ties on score
/// equality). Fixtures come from training/make_xgboost_exact_fixtures.py; every comparison is `==`.
@Suite struct XGBoostExactParityTests {
    static let fixtures = [
        "xgb_exact_depth2", "xgb_exact_depth4", "xgb_exact_depth6", "xgb_exact_depth8",
        "xgb_exact_scalar_base_score", "xgb_exact_saturated", "xgb_exact_base_score_5", "xgb_exact_base_score_3",
        "xgb_exact_poisson", "xgb_exact_multiclass", "xgb_exact_wide",
    ]

    @Test(arguments: fixtures)
    func singleRowsAreBitIdentical(_ name: String) throws {
        let expected = try Fixture.expected(name)
        let model = try ModelLoader.load(try Fixture.bytes(expected.modelFile), format: expected.format)
        let margins = try #require(expected.margins)
        var mismatches: [String] = []
        for (index, row) in expected.rows.enumerated() {
            let margin = model.predictMargin(row)
            let prediction = model.predict(row)
            if margin != margins[index] { mismatches.append("row \(index): margin \(margin) != \(margins[index])") }
            if prediction != expected.predictions[index] {
                mismatches.append("row \(index): prediction \(prediction) != \(expected.predictions[index])")
            }
        }
        #expect(mismatches.isEmpty, "\(name): \(mismatches.count) mismatches, first: \(mismatches.prefix(3))")
    }

    /// Batches of every shape the walker distinguishes: one row (lanes over many trees), a few rows, exactly one
    /// block, and many blocks with a ragged tail.
    @Test(arguments: fixtures)
    func batchesAreBitIdentical(_ name: String) throws {
        let expected = try Fixture.expected(name)
        let model = try ModelLoader.load(try Fixture.bytes(expected.modelFile), format: expected.format)
        let margins = try #require(expected.margins)
        let flat = expected.rows.flatMap { $0 }
        let width = model.outputCount
        for batch in [1, 3, 64, 65, expected.rows.count] {
            var scores = [Double](repeating: .nan, count: expected.rows.count * width)
            var rawMargins = scores
            var start = 0
            while start < expected.rows.count {
                let count = min(batch, expected.rows.count - start)
                flat.withUnsafeBufferPointer { all in
                    let rows = UnsafeBufferPointer(
                        rebasing: all[(start * model.featureCount)..<((start + count) * model.featureCount)])
                    let range = (start * width)..<((start + count) * width)
                    scores.withUnsafeMutableBufferPointer {
                        model.predict(
                            rows: rows, rowCount: count, into: UnsafeMutableBufferPointer(rebasing: $0[range]))
                    }
                    rawMargins.withUnsafeMutableBufferPointer {
                        model.predictMargins(
                            rows: rows, rowCount: count, into: UnsafeMutableBufferPointer(rebasing: $0[range]))
                    }
                }
                start += count
            }
            #expect(scores == expected.predictions.flatMap { $0 }, "\(name), batch \(batch): predictions differ")
            #expect(rawMargins == margins.flatMap { $0 }, "\(name), batch \(batch): margins differ")
        }
    }
}
