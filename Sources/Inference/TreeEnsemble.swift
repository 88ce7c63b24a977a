/// All trees of an ensemble in flat, parallel node arrays so a prediction walks contiguous memory and
/// never allocates. Node indices are global (trees are concatenated); a node is a leaf iff `feature < 0`.
struct TreeEnsemble: Sendable {
    /// Flag bits in `flags`.
    static let defaultLeftFlag: UInt8 = 1
    static let categoricalFlag: UInt8 = 2
    /// LightGBM missing type lives in bits 2-3.
    static let missingTypeShift: UInt8 = 2

    let semantics: SplitSemantics
    /// Feature index per node, -1 for leaves.
    let feature: [Int32]
    /// Split threshold (XGBoost: the float32 value widened); for categorical nodes unused.
    let threshold: [Double]
    let left: [Int32]
    let right: [Int32]
    let flags: [UInt8]
    /// Leaf value per node (0 for internal nodes), already multiplied by any DART tree weight.
    let leafValue: [Double]
    /// For categorical nodes: index into `categoryRanges`, else -1.
    let categorySlot: [Int32]
    /// Per categorical split: start and word count in `categoryWords`.
    let categoryRanges: [CategoryRange]
    let categoryWords: [UInt32]
    /// Root node of each tree and the output it adds to.
    let treeRoot: [Int32]
    let treeOutput: [Int32]
    let outputCount: Int
    /// Added to every output's margin before the trees.
    let baseMargin: [Double]
    /// Multiplies the summed leaves (1 / iterations for averaged forests, else 1).
    let sumScale: Double

    var nodeCount: Int { feature.count }

    var approximateMemoryBytes: Int {
        nodeCount * (4 + 8 + 4 + 4 + 1 + 8 + 4) + categoryWords.count * 4 + categoryRanges.count * 8
            + treeRoot.count * 8
    }

    /// Writes the raw margins for one row into `output` (`outputCount` values).
    func margins(_ row: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        for index in 0..<outputCount { output[index] = 0 }
        feature.withUnsafeBufferPointer { feature in
            left.withUnsafeBufferPointer { left in
                right.withUnsafeBufferPointer { right in
                    threshold.withUnsafeBufferPointer { threshold in
                        flags.withUnsafeBufferPointer { flags in
                            leafValue.withUnsafeBufferPointer { leafValue in
                                for tree in 0..<treeRoot.count {
                                    var node = Int(treeRoot[tree])
                                    while true {
                                        let index = Int(feature[node])
                                        if index < 0 { break }
                                        let value = row[index]
                                        let goLeft: Bool
                                        if flags[node] & TreeEnsemble.categoricalFlag != 0 {
                                            goLeft = categoricalGoesLeft(node: node, value: value, flags: flags[node])
                                        } else {
                                            goLeft = numericalGoesLeft(
                                                value: value, threshold: threshold[node], flags: flags[node])
                                        }
                                        node = Int(goLeft ? left[node] : right[node])
                                    }
                                    output[Int(treeOutput[tree])] += leafValue[node]
                                }
                            }
                        }
                    }
                }
            }
        }
        for index in 0..<outputCount { output[index] = output[index] * sumScale + baseMargin[index] }
    }

    @inline(__always)
    private func numericalGoesLeft(value: Double, threshold: Double, flags: UInt8) -> Bool {
        let defaultLeft = flags & TreeEnsemble.defaultLeftFlag != 0
        switch semantics {
        case .xgboost:
            if value.isNaN { return defaultLeft }
            return Double(Float(value)) < threshold
        case .sklearn:
            if value.isNaN { return defaultLeft }
            return Double(Float(value)) <= threshold
        case .lightgbm:
            let missing = (flags >> TreeEnsemble.missingTypeShift) & 3
            var value = value
            if missing != MissingType.nan.rawValue && value.isNaN { value = 0 }
            if missing == MissingType.zero.rawValue && value > -zeroThreshold && value <= zeroThreshold {
                return defaultLeft
            }
            if missing == MissingType.nan.rawValue && value.isNaN { return defaultLeft }
            return value <= threshold
        }
    }

    private func categoricalGoesLeft(node: Int, value: Double, flags: UInt8) -> Bool {
        let range = categoryRanges[Int(categorySlot[node])]
        switch semantics {
        case .xgboost:
            if value.isNaN { return flags & TreeEnsemble.defaultLeftFlag != 0 }
            let category = Float(value)
            if category < 0 || category >= 16_777_216 { return true }
            return !contains(range, Int(category))
        case .lightgbm, .sklearn:
            // NaN and values outside Int32 convert to INT_MIN in C++, i.e. negative: right.
            guard value > -2_147_483_649, value < 2_147_483_648 else { return false }
            let category = Int(value)
            if category < 0 { return false }
            return contains(range, category)
        }
    }

    @inline(__always)
    private func contains(_ range: CategoryRange, _ category: Int) -> Bool {
        let word = category >> 5
        if word >= Int(range.count) { return false }
        return categoryWords[Int(range.start) + word] & (1 << UInt32(category & 31)) != 0
    }
}

/// LightGBM's `kZeroThreshold` (a float literal used as a double).
private let zeroThreshold = Double(Float(1e-35))

/// Where one categorical split's bitset lives in `TreeEnsemble.categoryWords`.
struct CategoryRange: Sendable {
    let start: Int32
    let count: Int32
}
