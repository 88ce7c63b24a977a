import JSON

/// Reads the `forest` section of a riskd-json artifact (scikit-learn tree arrays) into a `TreeEnsemble`
/// that averages the leaf values of all trees.
enum RiskdForestReader {
    static func read(_ section: JSONObject, featureCount: Int) throws(ModelLoadError) -> TreeEnsemble {
        let aggregation = section["aggregation"]?.stringValue ?? "mean"
        guard aggregation == "mean" else { throw ModelLoadError("forest.aggregation: unsupported \"\(aggregation)\"") }
        guard let trees = section["trees"]?.arrayValue, !trees.isEmpty else {
            throw ModelLoadError("forest.trees: expected a non-empty array")
        }
        var builder = TreeEnsembleBuilder(semantics: .sklearn, featureCount: featureCount, outputCount: 1)
        for (index, tree) in trees.enumerated() {
            let name = "forest.trees[\(index)]"
            guard let object = tree.objectValue else { throw ModelLoadError("\(name): expected an object") }
            let left = try XGBoostTreeReader.integers(object["left"], name: "\(name).left")
            let right = try XGBoostTreeReader.integers(object["right"], name: "\(name).right")
            let feature = try XGBoostTreeReader.integers(object["feature"], name: "\(name).feature")
            let missingLeft = try XGBoostTreeReader.integers(object["missing_left"], name: "\(name).missing_left")
            let numbers = try decoding { () throws(JSONDecodingError) in
                (
                    threshold: try thresholds(object.require("threshold", at: name), name: "\(name).threshold"),
                    value: try object.require("value", at: name).doubles(at: "\(name).value")
                )
            }
            let count = left.count
            guard
                [right.count, feature.count, missingLeft.count, numbers.threshold.count, numbers.value.count]
                    .allSatisfy({ $0 == count })
            else { throw ModelLoadError("\(name): node arrays have different lengths") }
            var nodes = TreeNodes()
            for node in 0..<count {
                nodes.append(
                    feature: feature[node], threshold: numbers.threshold[node], left: left[node], right: right[node],
                    flags: missingLeft[node] != 0 ? TreeEnsemble.defaultLeftFlag : 0, leafValue: numbers.value[node])
            }
            try builder.append(nodes, output: 0, name: name)
        }
        return builder.build(baseMargin: [0], sumScale: 1 / Double(trees.count))
    }

    /// Thresholds; `null` stands for +infinity, which sklearn uses when only missing values go right.
    private static func thresholds(_ value: JSONValue, name: String) throws(JSONDecodingError) -> [Double] {
        try value.array(at: name).enumerated().map { (index, element) throws(JSONDecodingError) in
            element.isNull ? Double.infinity : try element.double(at: "\(name)[\(index)]")
        }
    }
}
