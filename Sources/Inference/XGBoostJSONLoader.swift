import Foundation
import JSON

/// Reads XGBoost's JSON model format (`Booster.save_model("model.json")`), gbtree and dart, ignoring keys
/// it does not know so new XGBoost versions keep loading. UBJSON artifacts (`model.ubj`) arrive here as the
/// same value tree, so both formats are built by this one code path.
enum XGBoostJSONLoader {
    static func load(_ document: JSONValue, format: ModelFormat) throws(ModelLoadError) -> Model {
        let learner = try decoding { () throws(JSONDecodingError) in
            try document.object(at: "").require("learner", at: "")
        }
        let objective = try decoding { () throws(JSONDecodingError) in
            try learner.object(at: "learner").require("objective", at: "learner").object(at: "learner.objective")
                .require("name", at: "learner.objective").string(at: "learner.objective.name")
        }
        let link = try XGBoostObjective(name: objective)
        let parameters = try decoding { () throws(JSONDecodingError) in
            try learner.object(at: "learner").require("learner_model_param", at: "learner")
                .object(at: "learner.learner_model_param")
        }
        let featureCount = try integer(parameters["num_feature"], name: "learner.learner_model_param.num_feature")
        let classCount = try integer(parameters["num_class"], name: "learner.learner_model_param.num_class")
        let outputCount = link.task == .multiclass ? classCount : 1
        guard featureCount > 0, featureCount <= 1_000_000, outputCount >= 1, outputCount <= 10_000 else {
            throw ModelLoadError("learner.learner_model_param: num_feature \(featureCount), num_class \(classCount)")
        }
        let baseScores = try baseScore(parameters["base_score"])
        guard baseScores.count == 1 || baseScores.count == outputCount else {
            throw ModelLoadError("learner.learner_model_param.base_score has \(baseScores.count) values")
        }
        let baseMargin = (0..<outputCount).map { link.margin(ofBaseScore: baseScores[baseScores.count == 1 ? 0 : $0]) }

        var names = (learner["feature_names"]?.arrayValue ?? []).compactMap(\.stringValue)
        if names.isEmpty { names = (0..<featureCount).map { "f\($0)" } }
        guard names.count == featureCount else {
            throw ModelLoadError("learner.feature_names has \(names.count) names, num_feature is \(featureCount)")
        }

        let booster = try decoding { () throws(JSONDecodingError) in
            try learner.object(at: "learner").require("gradient_booster", at: "learner")
                .object(at: "learner.gradient_booster")
        }
        let boosterName = booster["name"]?.stringValue ?? "gbtree"
        var modelPath = "learner.gradient_booster.model"
        var model = booster["model"]
        var weights: [Double]? = nil
        if boosterName == "dart" {
            modelPath = "learner.gradient_booster.gbtree.model"
            model = booster["gbtree"]?["model"]
            weights = try decoding { () throws(JSONDecodingError) in
                try booster.require("weight_drop", at: "learner.gradient_booster")
                    .doubles(at: "learner.gradient_booster.weight_drop")
            }
        } else if boosterName != "gbtree" {
            throw ModelLoadError("learner.gradient_booster.name: unsupported booster \"\(boosterName)\"")
        }
        guard let model, let trees = model["trees"]?.arrayValue, let treeInfo = model["tree_info"]?.arrayValue else {
            throw ModelLoadError("\(modelPath): trees and tree_info are required")
        }
        guard treeInfo.count == trees.count, weights == nil || weights?.count == trees.count else {
            throw ModelLoadError("\(modelPath): \(trees.count) trees but \(treeInfo.count) tree_info entries")
        }
        var builder = TreeEnsembleBuilder(semantics: .xgboost, featureCount: featureCount, outputCount: outputCount)
        for (index, tree) in trees.enumerated() {
            let name = "\(modelPath).trees[\(index)]"
            let group = try integer(treeInfo[index], name: "\(modelPath).tree_info[\(index)]")
            let nodes = try XGBoostTreeReader.read(tree, weight: weights?[index] ?? 1, name: name)
            try builder.append(nodes, output: group, name: name)
        }
        return Model(
            format: format, task: link.task, featureNames: names, outputCount: outputCount,
            objectiveDescription: "\(boosterName) \(objective)",
            body: .trees(builder.build(baseMargin: baseMargin, sumScale: 1)), transform: link.transform)
    }

    /// XGBoost writes most scalars in `learner_model_param` as strings ("5", "5E-1").
    static func integer(_ value: JSONValue?, name: String) throws(ModelLoadError) -> Int {
        if let int = value?.intValue { return int }
        if let text = value?.stringValue, let int = Int(text) { return int }
        throw ModelLoadError("\(name): expected an integer")
    }

    /// `base_score` as "5E-1", "[5E-1]", "[1E0,2E0]" (XGBoost >= 3.1) or a plain number.
    static func baseScore(_ value: JSONValue?) throws(ModelLoadError) -> [Double] {
        if let number = value?.doubleValue { return [number] }
        guard var text = value?.stringValue else {
            throw ModelLoadError("learner.learner_model_param.base_score: expected a string or number")
        }
        text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0?.isFinite == true }) else {
            throw ModelLoadError("learner.learner_model_param.base_score: cannot parse \"\(text)\"")
        }
        return values.compactMap { $0 }
    }
}
