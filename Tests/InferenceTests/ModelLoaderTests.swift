import Foundation
import Inference
import Testing

/// Hand-built artifacts whose predictions follow from the format rules alone, and malformed artifacts that
/// must be rejected with a `ModelLoadError` instead of crashing.
@Suite struct ModelLoaderTests {
    /// A one-split XGBoost model: node 0 tests `f0 < 0.5`; leaves -1 (left) and +1 (right).
    static func xgboost(
        left: String = "[1,-1,-1]", right: String = "[2,-1,-1]", splitIndices: String = "[0,0,0]",
        defaultLeft: String = "[0,0,0]", baseScore: String = "5E-1", objective: String = "binary:logistic",
        extraTreeKeys: String = ""
    ) -> [UInt8] {
        let tree = """
            {"base_weights":[0,0,0],"categories":[],"categories_nodes":[],"categories_segments":[],\
            "categories_sizes":[],"default_left":\(defaultLeft),"id":0,"left_children":\(left),\
            "loss_changes":[0,0,0],"parents":[2147483647,0,0],"right_children":\(right),\
            "split_conditions":[0.5,-1.0,1.0],"split_indices":\(splitIndices),"split_type":[0,0,0],\
            "sum_hessian":[1,1,1],"tree_param":{"num_deleted":"0","num_feature":"2","num_nodes":"3"}\(extraTreeKeys)}
            """
        let model = """
            {"learner":{"attributes":{},"feature_names":["a","b"],"feature_types":["q","q"],\
            "gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"1"},\
            "iteration_indptr":[0,1],"tree_info":[0],"trees":[\(tree)],"cats":{"enc":[]}},"name":"gbtree"},\
            "learner_model_param":{"base_score":"\(baseScore)","num_class":"0","num_feature":"2","num_target":"1"},\
            "objective":{"name":"\(objective)"}},"version":[3,1,3]}
            """
        return Array(model.utf8)
    }

    static let lightgbm = """
        tree
        version=v4
        num_class=1
        num_tree_per_iteration=1
        max_feature_idx=1
        objective=binary sigmoid:2
        feature_names=a b

        Tree=0
        num_leaves=2
        num_cat=0
        split_feature=1
        threshold=0.25
        decision_type=2
        left_child=-1
        right_child=-2
        leaf_value=-0.5 0.75

        end of trees
        """

    @Test func xgboostStumpFollowsStrictLessThanAndDefaultDirection() throws {
        let model = try ModelLoader.load(Self.xgboost(), format: .xgboostJSON)
        #expect(model.featureNames == ["a", "b"] && model.outputCount == 1 && model.treeCount == 1)
        #expect(model.task == .binaryClassification)
        // base_score 0.5 is a probability: margin 0.
        #expect(model.predictMargin([0.2, 0]) == [-1])
        #expect(model.predictMargin([0.5, 0]) == [1])
        #expect(model.predictMargin([.nan, 0]) == [1])
        // XGBoost's sigmoid runs in float32.
        #expect(model.predict([0.2, 0])[0] == Double(1 / (expf(1) + 1) as Float))
        let defaultLeft = try ModelLoader.load(Self.xgboost(defaultLeft: "[1,0,0]"), format: .xgboostJSON)
        #expect(defaultLeft.predictMargin([.nan, 0]) == [-1])
    }

    @Test func xgboostVectorBaseScoreAndUnknownKeys() throws {
        let model = try ModelLoader.load(
            Self.xgboost(baseScore: "[2E-1]", objective: "reg:squarederror", extraTreeKeys: #","future":[1]"#),
            format: .xgboostJSON)
        #expect(model.task == .regression)
        // Base margin and leaf are summed in float32, as XGBoost does.
        #expect(model.predict([0.7, 0])[0] == Double(Float(0.2) + Float(1)))
    }

    @Test func lightgbmStumpUsesLessOrEqualAndSigmoidAlpha() throws {
        let model = try ModelLoader.load(Array(Self.lightgbm.utf8), format: .lightgbmText)
        #expect(model.featureNames == ["a", "b"])
        #expect(model.predictMargin([0, 0.25]) == [-0.5])
        #expect(model.predictMargin([0, 0.2500001]) == [0.75])
        // Missing type None: NaN is treated as 0, which is <= 0.25.
        #expect(model.predictMargin([0, .nan]) == [-0.5])
        #expect(abs(model.predict([0, 1])[0] - 1 / (1 + exp(-1.5))) < 1e-15)
        let unnamed = Self.lightgbm.replacingOccurrences(of: "feature_names=a b\n", with: "")
        #expect(try ModelLoader.load(Array(unnamed.utf8), format: .lightgbmText).featureNames == ["f0", "f1"])
    }

    @Test func xgboostStructuralErrorsAreRejected() {
        let broken: [(String, [UInt8])] = [
            ("child out of range", Self.xgboost(left: "[7,-1,-1]")),
            ("negative child", Self.xgboost(right: "[-5,-1,-1]")),
            ("cycle", Self.xgboost(left: "[1,0,-1]", right: "[2,2,-1]")),
            ("feature out of range", Self.xgboost(splitIndices: "[2,0,0]")),
            ("array length", Self.xgboost(defaultLeft: "[0,0]")),
            ("base score", Self.xgboost(baseScore: "half")),
            ("objective", Self.xgboost(objective: "rank:pairwise")),
            ("not JSON", Array("{\"learner\":".utf8)),
            ("wrong shape", Array("[1,2,3]".utf8)),
        ]
        for (name, bytes) in broken {
            #expect(throws: ModelLoadError.self, "\(name)") { try ModelLoader.load(bytes, format: .xgboostJSON) }
        }
    }

    @Test func everyTruncationOfARealModelIsRejected() throws {
        let json = try Fixture.bytes("xgb_multiclass.model.json")
        for length in stride(from: 0, to: json.count - 1, by: 211) {
            #expect(throws: ModelLoadError.self) { try ModelLoader.load(Array(json[..<length]), format: .xgboostJSON) }
        }
        let text = try Fixture.bytes("lgb_categorical.model.txt")
        let marker = Array("end of trees".utf8)
        let endOffset = try #require(
            text.indices.first { text[$0...].starts(with: marker) }, "fixture has no end-of-trees line")
        for length in stride(from: 0, to: endOffset, by: 97) {
            #expect(throws: ModelLoadError.self) { try ModelLoader.load(Array(text[..<length]), format: .lightgbmText) }
        }
    }

    @Test func lightgbmStructuralErrorsAreRejected() {
        let replacements = [
            ("left_child=-1", "left_child=5"),
            ("right_child=-2", "right_child=-9"),
            ("split_feature=1", "split_feature=4"),
            ("leaf_value=-0.5 0.75", "leaf_value=-0.5"),
            ("threshold=0.25", "threshold=abc"),
            ("decision_type=2", "decision_type=3"),
            ("num_leaves=2", "num_leaves=-1"),
            ("objective=binary sigmoid:2", "objective=lambdarank"),
            ("left_child=-1", "left_child=0"),
            ("threshold=0.25\ndecision_type=2", "threshold=1e300\ndecision_type=1"),
        ]
        for (original, replacement) in replacements {
            let text = Self.lightgbm.replacingOccurrences(of: original, with: replacement)
            #expect(throws: ModelLoadError.self, "\(replacement)") {
                try ModelLoader.load(Array(text.utf8), format: .lightgbmText)
            }
        }
    }

    @Test func riskdJSONErrorsAreRejected() {
        let forest = """
            {"format":"riskd-json","format_version":1,"model_type":"forest","task":"binary","feature_names":["a"],\
            "forest":{"aggregation":"mean","trees":[{"left":LEFT,"right":[2,-1,-1],"feature":[FEATURE,-1,-1],\
            "threshold":[0.5,0,0],"missing_left":[1,0,0],"value":[0,0.25,0.75]}]}}
            """
        func load(_ left: String, _ feature: String) throws(ModelLoadError) -> Model {
            let text = forest.replacingOccurrences(of: "LEFT", with: left)
                .replacingOccurrences(of: "FEATURE", with: feature)
            return try ModelLoader.load(Array(text.utf8), format: .riskdJSON)
        }
        #expect(throws: ModelLoadError.self) { try load("[0,-1,-1]", "0") }
        #expect(throws: ModelLoadError.self) { try load("[3,-1,-1]", "0") }
        #expect(throws: ModelLoadError.self) { try load("[1,-1,-1]", "1") }
        #expect(throws: ModelLoadError.self) { try load("[1,-1]", "0") }
        let linear = """
            {"format":"riskd-json","format_version":1,"model_type":"linear","task":"binary","feature_names":["a","b"],\
            "linear":{"coefficients":[1.0],"intercept":0.0,"link":"logistic"}}
            """
        #expect(throws: ModelLoadError.self) { try ModelLoader.load(Array(linear.utf8), format: .riskdJSON) }
    }

    @Test func riskdForestSendsNaNWhereMissingLeftSays() throws {
        let text = """
            {"format":"riskd-json","format_version":1,"model_type":"forest","task":"binary","feature_names":["a"],\
            "forest":{"aggregation":"mean","trees":[{"left":[1,-1,-1],"right":[2,-1,-1],"feature":[0,-1,-1],\
            "threshold":[0.5,0,0],"missing_left":[1,0,0],"value":[0,0.25,0.75]}]}}
            """
        let model = try ModelLoader.load(Array(text.utf8), format: .riskdJSON)
        #expect(model.predict([0.5]) == [0.25])
        #expect(model.predict([0.50001]) == [0.75])
        #expect(model.predict([.nan]) == [0.25])
    }

    @Test func formatFileNamesRoundTrip() {
        for format in ModelFormat.allCases {
            #expect(ModelFormat(fileName: format.fileName) == format)
        }
        #expect(ModelFormat(fileName: "model.pkl") == nil)
    }
}
