/// Reads one `Tree=N` block of a LightGBM text model into neutral `TreeNodes`: internal nodes keep their
/// indices, leaf `j` (child `~j`) becomes node `num_leaves - 1 + j`.
enum LightGBMTreeReader {
    /// Largest tree accepted, in leaves.
    static let maxLeaves = 1 << 20

    static func read(_ keys: [String: String], name: String) throws(ModelLoadError) -> TreeNodes {
        guard let leafText = keys["num_leaves"], let leafCount = Int(leafText), leafCount >= 1,
            leafCount <= maxLeaves
        else { throw ModelLoadError("\(name): num_leaves missing or out of range") }
        if keys["is_linear"] == "1" { throw ModelLoadError("\(name): linear trees are not supported") }
        let leafValues = try doubles(keys, "leaf_value", count: leafCount, name: name)
        var nodes = TreeNodes()
        if leafCount == 1 {
            nodes.append(feature: -1, threshold: 0, left: -1, right: -1, leafValue: leafValues[0])
            return nodes
        }
        let internalCount = leafCount - 1
        let features = try integers(keys, "split_feature", count: internalCount, name: name)
        let thresholds = try doubles(keys, "threshold", count: internalCount, name: name)
        let decisionTypes = try integers(keys, "decision_type", count: internalCount, name: name)
        let leftChildren = try integers(keys, "left_child", count: internalCount, name: name)
        let rightChildren = try integers(keys, "right_child", count: internalCount, name: name)
        let categoryCount = Int(keys["num_cat"] ?? "0") ?? -1
        guard categoryCount >= 0 else { throw ModelLoadError("\(name): num_cat is not an integer") }
        let boundaries =
            categoryCount > 0 ? try integers(keys, "cat_boundaries", count: categoryCount + 1, name: name) : []
        let words = categoryCount > 0 ? try integers(keys, "cat_threshold", count: nil, name: name) : []

        func node(_ child: Int) throws(ModelLoadError) -> Int {
            if child >= 0, child < internalCount { return child }
            if child < 0, ~child < leafCount { return internalCount + ~child }
            throw ModelLoadError("\(name): child \(child) out of range")
        }
        for index in 0..<internalCount {
            let decision = decisionTypes[index]
            var flags: UInt8 = decision & 2 != 0 ? TreeEnsemble.defaultLeftFlag : 0
            flags |= UInt8((decision >> 2) & 3) << TreeEnsemble.missingTypeShift
            if decision & 1 != 0 {
                flags |= TreeEnsemble.categoricalFlag
                guard thresholds[index] >= 0, thresholds[index] < Double(categoryCount) else {
                    throw ModelLoadError("\(name): categorical split \(index) has threshold \(thresholds[index])")
                }
                let slot = Int(thresholds[index])
                guard boundaries[slot] >= 0, boundaries[slot] <= boundaries[slot + 1],
                    boundaries[slot + 1] <= words.count
                else { throw ModelLoadError("\(name): categorical split \(index) has a bad cat_boundaries range") }
                nodes.categories[index] = words[boundaries[slot]..<boundaries[slot + 1]].map {
                    UInt32(truncatingIfNeeded: $0)
                }
            }
            nodes.append(
                feature: features[index], threshold: thresholds[index], left: try node(leftChildren[index]),
                right: try node(rightChildren[index]), flags: flags)
        }
        for leaf in 0..<leafCount {
            nodes.append(feature: -1, threshold: 0, left: -1, right: -1, leafValue: leafValues[leaf])
        }
        return nodes
    }

    private static func fields(
        _ keys: [String: String], _ key: String, count: Int?, name: String
    ) throws(ModelLoadError) -> [Substring] {
        guard let text = keys[key] else { throw ModelLoadError("\(name): \(key) is required") }
        let fields = text.split(separator: " ")
        if let count, fields.count != count {
            throw ModelLoadError("\(name): \(key) has \(fields.count) values, expected \(count)")
        }
        return fields
    }

    private static func doubles(
        _ keys: [String: String], _ key: String, count: Int, name: String
    ) throws(ModelLoadError) -> [Double] {
        var result = [Double]()
        for field in try fields(keys, key, count: count, name: name) {
            guard let value = Double(field), !value.isNaN else {
                throw ModelLoadError("\(name): \(key) has a non-number \"\(field)\"")
            }
            result.append(value)
        }
        return result
    }

    private static func integers(
        _ keys: [String: String], _ key: String, count: Int?, name: String
    ) throws(ModelLoadError) -> [Int] {
        var result = [Int]()
        for field in try fields(keys, key, count: count, name: name) {
            guard let value = Int(field) else { throw ModelLoadError("\(name): \(key) has a non-integer \"\(field)\"") }
            result.append(value)
        }
        return result
    }
}
