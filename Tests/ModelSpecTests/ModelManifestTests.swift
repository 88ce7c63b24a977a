import Features
import Inference
import JSON
import ModelSpec
import Testing

@Suite struct ModelManifestTests {
    @Test func parsesEveryDocumentedSection() throws {
        let manifest = try ModelManifest(
            parsing: Array(
                """
                {"schema_version": 1, "task": "binary", "horizon_seconds": 604800, "unknown_key": {"ignored": true},
                 "artifact": {"file": "model.json", "format": "xgboost-json", "sha256": "\(String(repeating: "AB", count: 32))"},
                 "features": [{"name": "smart_5_last", "metric": "smart_5", "aggregation": "last", "window_seconds": 86400},
                              {"name": "cpu_mean_15m", "metric": "cpu", "aggregation": "mean", "window_seconds": 900}],
                 "min_feature_fraction": 0.75,
                 "calibration": {"method": "venn_abers", "scores": [0.1, 0.9], "labels": [0, 1]},
                 "training_range": {"cpu_mean_15m": {"min": 0, "max": 100}},
                 "reference": {"features": {"cpu_mean_15m": {"edges": [0, 50, 100], "proportions": [0.5, 0.5], "mean": 40, "std": 10}}},
                 "tiers": {"l1": {"risk": 0.2}, "l3": {"lower": 0.7}},
                 "fallback": {"rules": [{"feature": "smart_5_last", "op": ">", "value": 0, "risk": 0.4, "reason": "sectors"}],
                              "default_risk": 0.02},
                 "lineage": {"code_version": "abc"}}
                """.utf8))
        #expect(manifest.task == .binaryClassification)
        #expect(manifest.artifact?.sha256 == String(repeating: "ab", count: 32))
        #expect(manifest.artifact?.format == .xgboostJSON)
        #expect(manifest.features.map(\.aggregation) == [.last, .mean])
        #expect(manifest.features[1].windowSeconds == 900)
        #expect(manifest.minFeatureFraction == 0.75)
        #expect(manifest.calibration?.labels == [0, 1])
        #expect(manifest.trainingRange["cpu_mean_15m"] == 0...100)
        #expect(manifest.reference?.features["cpu_mean_15m"]?.std == 10)
        #expect(manifest.tiers == ModelManifest.TierThresholds(l1Risk: 0.2, l3Lower: 0.7))
        #expect(manifest.fallback?.rules.first?.matches(1) == true)
        #expect(manifest.fallback?.rules.first?.matches(0) == false)
        #expect(manifest.fallback?.defaultRisk == 0.02)
        #expect(manifest.lineage?["code_version"] == .string("abc"))
        #expect(manifest.calibration?.options == CalibrationIntervalOptions())
    }

    @Test func parsesThePriorCorrectionTieGridAndInterval() throws {
        let manifest = try ModelManifest(
            parsing: Array(
                #"""
                {"calibration": {"scores": [0.1, 0.9], "labels": [0, 1], "negative_weight": 19.5,
                 "score_grid": 4294967296, "interval": {"method": "wilson", "z": 1.645, "level": 0.9, "design_effect": 5.5}}}
                """#.utf8))
        #expect(
            manifest.calibration?.options
                == CalibrationIntervalOptions(
                    negativeWeight: 19.5, intervalZ: 1.645, designEffect: 5.5, scoreGrid: 4_294_967_296))
    }

    @Test(arguments: [
        (#"{"features": [{"name": "x", "aggregation": "median"}]}"#, "features[0].aggregation"),
        (#"{"features": [{"name": "x"}, {"name": "x"}]}"#, "duplicate feature"),
        (#"{"features": [{"name": "x", "window_seconds": 0}]}"#, "features[0].window_seconds"),
        (#"{"artifact": {"sha256": "xyz"}}"#, "artifact.sha256"),
        (#"{"calibration": {"scores": [0.1], "labels": [0, 1]}}"#, "differ in length"),
        (#"{"calibration": {"scores": [0.1, 0.2], "labels": [0, 2]}}"#, "calibration.labels"),
        (#"{"task": "ranking"}"#, "unknown task"),
        (#"{"drift": {"features": {"x": {"psi": -1}}}}"#, "drift.features.x.psi"),
        (#"{"drift": {"min_samples": 0}}"#, "drift.min_samples"),
        (#"{"model_card": "../card.md"}"#, "model_card"),
        (#"{"calibration": {"scores": [0.1, 0.2], "labels": [0, 1], "negative_weight": 0}}"#, "negative_weight"),
        (
            #"{"calibration": {"scores": [0.1, 0.2], "labels": [0, 1], "interval": {"z": 1, "design_effect": 0.5}}}"#,
            "design_effect"
        ),
        (
            #"{"calibration": {"scores": [0.1, 0.2], "labels": [0, 1], "interval": {"method": "exact", "z": 1}}}"#,
            "interval.method"
        ),
        (#"{"calibration": {"scores": [0.1, 0.2], "labels": [0, 1], "interval": {}}}"#, "interval.z"),
        (#"{"min_feature_fraction": 1.5}"#, "min_feature_fraction"),
        (#"{"fallback": {"rules": [{"feature": "x", "op": "!=", "value": 1, "risk": 0.5}]}}"#, "unknown comparison"),
        (#"{"reference": {"score": {"edges": [1, 0], "proportions": [1]}}}"#, "strictly increasing"),
        (#"{"features": "#, "not valid JSON"),
    ])
    func rejectsInvalidManifestsNamingTheKey(text: String, fragment: String) {
        #expect {
            _ = try ModelManifest(parsing: Array(text.utf8))
        } throws: { error in
            (error as? ManifestError)?.message.contains(fragment) == true
        }
    }

    @Test func referenceDistributionsKeepRecordedMomentsOrDeriveThemFromTheBins() throws {
        let manifest = try ModelManifest(
            parsing: Array(
                #"""
                {"reference": {"features": {"a": {"edges": [0, 1], "proportions": [1], "mean": 0.5, "std": 0.1,
                                                  "sample": [0.3, 0.2]},
                                            "b": {"edges": [0, 2, 4], "proportions": [0.5, 0.5]}},
                               "score": {"edges": [0, 0.5, 1], "proportions": [0.9, 0.1], "mean": 0.03, "std": 0.05}}}
                """#.utf8))
        let a = try #require(manifest.reference?.features["a"])
        #expect(a.sample == [0.2, 0.3])
        #expect(a.mean == 0.5 && a.std == 0.1)
        // Bin centres 1 and 3 with equal weight: mean 2, spread 1.
        let b = try #require(manifest.reference?.features["b"])
        #expect(b.mean == 2 && b.std == 1)
        #expect(manifest.reference?.score?.mean == 0.03)
    }

    @Test(arguments: [
        (#"{"edges":[0,2,1],"proportions":[0.5,0.5]}"#, "r.edges"),
        (#"{"edges":[0,1],"proportions":[1,2]}"#, "r.proportions"),
        (#"{"edges":[0,1],"proportions":[-1]}"#, "r.proportions"),
        (#"{"edges":[0,1],"proportions":[1],"std":-1}"#, "r.std"),
        (#"{"proportions":[1]}"#, "r.edges"),
    ])
    func referenceDistributionDecodingNamesTheBadField(text: String, path: String) throws {
        let json = try JSONParser().parse(text)
        #expect {
            _ = try ReferenceDistribution(json: json, at: "r")
        } throws: { error in
            (error as? JSONDecodingError)?.path == path
        }
    }

    @Test func tierThresholdsAreOptionalPerTierAndBounded() throws {
        let both = try JSONParser().parse(#"{"l1": {"risk": 0.2}, "l3": {"lower": 0.7}}"#).object(at: "")
        #expect(
            try ModelManifest.TierThresholds(parsing: both, at: "tiers")
                == ModelManifest.TierThresholds(l1Risk: 0.2, l3Lower: 0.7))
        let onlyL3 = try JSONParser().parse(#"{"l3": {"lower": 0.4}}"#).object(at: "")
        #expect(
            try ModelManifest.TierThresholds(parsing: onlyL3, at: "tiers")
                == ModelManifest.TierThresholds(l1Risk: nil, l3Lower: 0.4))
        for bad in [#"{"l1": {"risk": 1.5}}"#, #"{"l1": {}}"#, #"{"l3": {"lower": "high"}}"#] {
            let object = try JSONParser().parse(bad).object(at: "")
            #expect(throws: JSONDecodingError.self) { try ModelManifest.TierThresholds(parsing: object, at: "tiers") }
        }
        #expect {
            _ = try ModelManifest(parsing: Array(#"{"tiers": {"l1": {"risk": 2}}}"#.utf8))
        } throws: { error in
            (error as? ManifestError)?.message.contains("tiers") == true
        }
    }
}
