import JSON

/// Reads one tree of an XGBoost JSON model into neutral `TreeNodes`, including categorical splits.
enum XGBoostTreeReader {
    static func read(_ tree: JSONValue, weight: Double, name: String) throws(ModelLoadError) -> TreeNodes {
        guard let object = tree.objectValue else { throw ModelLoadError("\(name): expected an object") }
        let left = try integers(object["left_children"], name: "\(name).left_children")
        let right = try integers(object["right_children"], name: "\(name).right_children")
        let features = try integers(object["split_indices"], name: "\(name).split_indices")
        let conditions = try numbers(object["split_conditions"], name: "\(name).split_conditions")
        let defaultLeft = try integers(object["default_left"], name: "\(name).default_left")
        let splitType =
            object["split_type"] == nil
            ? [Int](repeating: 0, count: left.count)
            : try integers(object["split_type"], name: "\(name).split_type")
        let count = left.count
        guard
            [right.count, features.count, conditions.count, defaultLeft.count, splitType.count]
                .allSatisfy({ $0 == count })
        else { throw ModelLoadError("\(name): node arrays have different lengths") }

        var nodes = TreeNodes()
        for node in 0..<count {
            var flags: UInt8 = defaultLeft[node] != 0 ? TreeEnsemble.defaultLeftFlag : 0
            if splitType[node] == 1 { flags |= TreeEnsemble.categoricalFlag }
            // XGBoost stores and compares in float32; a DART leaf is `leaf * weight` in float32.
            let value = Float(conditions[node])
            nodes.append(
                feature: features[node], threshold: Double(value), left: left[node] == -1 ? -1 : left[node],
                right: right[node], flags: left[node] == -1 ? 0 : flags, leafValue: Double(value * Float(weight)))
        }
        nodes.categories = try categories(object, name: name)
        return nodes
    }

    /// Category sets per node from `categories_nodes` / `_segments` / `_sizes` / `categories`.
    private static func categories(_ object: JSONObject, name: String) throws(ModelLoadError) -> [Int: [UInt32]] {
        guard let nodesValue = object["categories_nodes"] else { return [:] }
        let nodes = try integers(nodesValue, name: "\(name).categories_nodes")
        let segments = try integers(object["categories_segments"], name: "\(name).categories_segments")
        let sizes = try integers(object["categories_sizes"], name: "\(name).categories_sizes")
        let values = try integers(object["categories"], name: "\(name).categories")
        guard segments.count == nodes.count, sizes.count == nodes.count else {
            throw ModelLoadError("\(name): categories_nodes/segments/sizes differ in length")
        }
        var result: [Int: [UInt32]] = [:]
        for index in 0..<nodes.count {
            let start = segments[index]
            let size = sizes[index]
            guard start >= 0, size >= 0, start <= values.count - size else {
                throw ModelLoadError("\(name).categories_segments[\(index)] out of range")
            }
            guard let words = TreeNodes.bitset(Array(values[start..<(start + size)])) else {
                throw ModelLoadError("\(name).categories: category out of range [0, 2^24)")
            }
            result[nodes[index]] = words
        }
        return result
    }

    private static func numbers(_ value: JSONValue?, name: String) throws(ModelLoadError) -> [Double] {
        guard let value else { throw ModelLoadError("\(name): is required") }
        return try decoding { () throws(JSONDecodingError) in try value.doubles(at: name) }
    }

    /// Integers; booleans count as 0/1 (some writers store `default_left` as booleans).
    static func integers(_ value: JSONValue?, name: String) throws(ModelLoadError) -> [Int] {
        guard let array = value?.arrayValue else { throw ModelLoadError("\(name): expected an array") }
        var result = [Int]()
        result.reserveCapacity(array.count)
        for (index, element) in array.enumerated() {
            if let int = element.intValue {
                result.append(int)
            } else if let bool = element.boolValue {
                result.append(bool ? 1 : 0)
            } else {
                throw ModelLoadError("\(name)[\(index)]: expected an integer")
            }
        }
        return result
    }
}
