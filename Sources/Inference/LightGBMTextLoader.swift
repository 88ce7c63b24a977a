/// Reads LightGBM's text model format (`Booster.save_model("model.txt")`): a `key=value` header, then one
/// `Tree=N` block per tree up to `end of trees`; everything after that is ignored.
enum LightGBMTextLoader {
    static func load(_ contents: [UInt8]) throws(ModelLoadError) -> Model {
        guard let text = String(validating: contents, as: UTF8.self) else {
            throw ModelLoadError("lightgbm-text: file is not valid UTF-8")
        }
        var header: [String: String] = [:]
        var blocks: [(name: String, keys: [String: String])] = []
        var sawEnd = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line == "end of trees" {
                sawEnd = true
                break
            }
            let (key, value) = split(line)
            if key == "Tree" {
                blocks.append((name: "Tree=\(value)", keys: [:]))
            } else if blocks.isEmpty {
                header[key] = value
            } else {
                blocks[blocks.count - 1].keys[key] = value
            }
        }
        guard header["tree"] != nil || header["version"] != nil else {
            throw ModelLoadError("lightgbm-text: missing header (expected \"tree\" and \"version=\")")
        }
        guard sawEnd else { throw ModelLoadError("lightgbm-text: missing \"end of trees\" (truncated file?)") }
        guard !blocks.isEmpty else { throw ModelLoadError("lightgbm-text: no Tree= blocks") }

        let featureCount = try headerInt(header, "max_feature_idx") + 1
        let treesPerIteration = try headerInt(header, "num_tree_per_iteration", default: 1)
        let classCount = try headerInt(header, "num_class", default: 1)
        guard featureCount > 0, featureCount <= 1_000_000, treesPerIteration >= 1, treesPerIteration <= 10_000 else {
            throw ModelLoadError("lightgbm-text: max_feature_idx or num_tree_per_iteration out of range")
        }
        let objective = header["objective"] ?? "regression"
        let (task, transform) = try objectiveLink(objective)
        let outputCount = task == .multiclass ? classCount : 1
        guard outputCount == treesPerIteration else {
            throw ModelLoadError(
                "lightgbm-text: num_tree_per_iteration \(treesPerIteration) does not match \(objective)")
        }
        var names = (header["feature_names"] ?? "").split(separator: " ").map(String.init)
        if names.isEmpty { names = (0..<featureCount).map { "f\($0)" } }
        guard names.count == featureCount else {
            throw ModelLoadError("lightgbm-text: feature_names has \(names.count) names, expected \(featureCount)")
        }

        var builder = TreeEnsembleBuilder(semantics: .lightgbm, featureCount: featureCount, outputCount: outputCount)
        for (index, block) in blocks.enumerated() {
            let nodes = try LightGBMTreeReader.read(block.keys, name: block.name)
            try builder.append(nodes, output: index % treesPerIteration, name: block.name)
        }
        let averaged = header["average_output"] != nil
        let iterations = Double(max(1, blocks.count / treesPerIteration))
        return Model(
            format: .lightgbmText, task: task, featureNames: names, outputCount: outputCount,
            objectiveDescription: "\(averaged ? "rf" : "gbdt") \(objective)",
            body: .trees(
                builder.build(
                    baseMargin: [Double](repeating: 0, count: outputCount), sumScale: averaged ? 1 / iterations : 1)),
            transform: transform)
    }

    /// `key=value`, or a bare flag such as `average_output` (value "").
    private static func split(_ line: Substring) -> (String, String) {
        guard let equals = line.firstIndex(of: "=") else { return (String(line), "") }
        return (String(line[..<equals]), String(line[line.index(after: equals)...]))
    }

    private static func headerInt(
        _ header: [String: String], _ key: String, default fallback: Int? = nil
    ) throws(ModelLoadError) -> Int {
        guard let text = header[key] else {
            if let fallback { return fallback }
            throw ModelLoadError("lightgbm-text: header key \(key) is required")
        }
        guard let value = Int(text) else { throw ModelLoadError("lightgbm-text: \(key)=\(text) is not an integer") }
        return value
    }

    /// The task and output transform of a LightGBM objective line such as `binary sigmoid:1`.
    private static func objectiveLink(_ objective: String) throws(ModelLoadError) -> (ModelTask, OutputTransform) {
        let parts = objective.split(separator: " ")
        let name = parts.first.map(String.init) ?? ""
        switch name {
        case "binary":
            var alpha = 1.0
            for part in parts.dropFirst() where part.hasPrefix("sigmoid:") {
                guard let value = Double(part.dropFirst("sigmoid:".count)), value.isFinite else {
                    throw ModelLoadError("lightgbm-text: objective=\(objective): bad sigmoid")
                }
                alpha = value
            }
            return (.binaryClassification, .sigmoid(alpha: alpha))
        case "cross_entropy", "xentropy":
            return (.binaryClassification, .sigmoid(alpha: 1))
        case "regression", "regression_l2", "regression_l1", "huber", "fair", "quantile", "mape":
            return (.regression, .identity)
        case "poisson", "gamma", "tweedie":
            return (.regression, .exponential)
        case "multiclass", "softmax":
            return (.multiclass, .softmax)
        default:
            throw ModelLoadError("lightgbm-text: unsupported objective=\(objective)")
        }
    }
}
