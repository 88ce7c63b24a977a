import Inference
import Testing

/// `.ubj` artifacts (XGBoost's Universal Binary JSON) load through the same XGBoost loader as `.json` and
/// predict bit for bit what xgboost predicts; fixtures from training/make_xgboost_ubj_fixtures.py, which saved
/// each booster in both formats.
@Suite struct XGBoostUBJSONTests {
    static let fixtures = ["xgb_ubj_binary", "xgb_ubj_multiclass", "xgb_ubj_categorical"]

    @Test(arguments: fixtures)
    func ubjAndJSONOfOneBoosterMatchXGBoostExactly(_ name: String) throws {
        let expected = try Fixture.expected(name)
        #expect(expected.format == .xgboostUBJSON)
        let binary = try ModelLoader.load(try Fixture.bytes("\(name).model.ubj"), format: .xgboostUBJSON)
        let text = try ModelLoader.load(try Fixture.bytes("\(name).model.json"), format: .xgboostJSON)
        #expect(binary.format == .xgboostUBJSON && text.format == .xgboostJSON)
        #expect(binary.featureNames == text.featureNames && binary.treeCount == text.treeCount)
        #expect(binary.treeCount > 0)
        let margins = try #require(expected.margins)
        var mismatches: [String] = []
        for (index, row) in expected.rows.enumerated() {
            let ubj = binary.predict(row)
            let json = text.predict(row)
            if ubj != expected.predictions[index] || json != expected.predictions[index] {
                mismatches.append("row \(index): ubj \(ubj), json \(json), xgboost \(expected.predictions[index])")
            }
            if binary.predictMargin(row) != margins[index] { mismatches.append("row \(index): margin differs") }
        }
        #expect(mismatches.isEmpty, "\(name): \(mismatches.count) mismatches, first: \(mismatches.prefix(3))")
    }

    @Test func namedFeaturesSurviveTheBinaryEncoding() throws {
        let model = try ModelLoader.load(try Fixture.bytes("xgb_ubj_binary.model.ubj"), format: .xgboostUBJSON)
        #expect(model.featureNames.first == "smart_5_raw" && model.featureCount == 6)
        #expect(model.kindDescription.hasPrefix("xgboost-ubj gbtree binary:logistic"))
    }

    /// Every prefix of a real artifact is refused with a load error naming UBJSON, never a crash or hang.
    @Test func truncatedArtifactsFailCleanly() throws {
        let bytes = try Fixture.bytes("xgb_ubj_binary.model.ubj")
        var cuts = [0, 1, 2, 9, 10, 11, 64, 300, bytes.count / 2, bytes.count - 2, bytes.count - 1]
        cuts += stride(from: 3, to: bytes.count, by: 1777)
        for cut in cuts {
            #expect(throws: ModelLoadError.self, "cut at \(cut)") {
                try ModelLoader.load(Array(bytes[..<cut]), format: .xgboostUBJSON)
            }
        }
        do {
            _ = try ModelLoader.load(Array(bytes[..<(bytes.count / 2)]), format: .xgboostUBJSON)
            Issue.record("a truncated artifact loaded")
        } catch {
            #expect(error.description.contains("invalid UBJSON") && error.description.contains("end of data"))
        }
    }

    @Test func aJSONFileIsNotMistakenForUBJSON() throws {
        let text = try Fixture.bytes("xgb_ubj_binary.model.json")
        #expect(throws: ModelLoadError.self) { try ModelLoader.load(text, format: .xgboostUBJSON) }
    }
}
