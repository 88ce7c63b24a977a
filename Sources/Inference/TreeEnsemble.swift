/// All trees of an ensemble in one flat array of packed nodes so a prediction walks contiguous memory and
/// never allocates. Node indices are global (trees are concatenated); a node is a leaf iff `feature < 0`.
struct TreeEnsemble: Sendable {
    /// Flag bits in `TreeNode.flags`.
    static let defaultLeftFlag: UInt8 = 1
    static let categoricalFlag: UInt8 = 2
    /// LightGBM missing type lives in bits 2-3.
    static let missingTypeShift: UInt8 = 2

    let semantics: SplitSemantics
    let nodes: [TreeNode]
    /// Side table for categorical nodes: index into `categoryRanges` (-1 for other nodes).
    let categorySlot: [Int32]
    /// Per categorical split: start and word count in `categoryWords`.
    let categoryRanges: [CategoryRange]
    let categoryWords: [UInt32]
    /// Root node of each tree and the output it adds to.
    let treeRoot: [Int32]
    let treeOutput: [Int32]
    let outputCount: Int
    /// Added to every output's margin after the trees.
    let baseMargin: [Double]
    /// Multiplies the summed leaves (1 / iterations for averaged forests, else 1).
    let sumScale: Double

    var approximateMemoryBytes: Int {
        nodes.count * (MemoryLayout<TreeNode>.stride + 4) + categoryWords.count * 4 + categoryRanges.count * 8
            + treeRoot.count * 8
    }

    /// Writes the raw margins for one row into `output` (`outputCount` values).
    func margins(_ row: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        for index in 0..<outputCount { output[index] = 0 }
        switch semantics {
        case .xgboost: accumulate(XGBoostSplitRule.self, row, into: output)
        case .lightgbm: accumulate(LightGBMSplitRule.self, row, into: output)
        case .sklearn: accumulate(SklearnSplitRule.self, row, into: output)
        }
        for index in 0..<outputCount { output[index] = output[index] * sumScale + baseMargin[index] }
    }

    private func accumulate<Rule: SplitRule>(
        _ rule: Rule.Type, _ row: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>
    ) {
        nodes.withUnsafeBufferPointer { nodes in
            treeRoot.withUnsafeBufferPointer { roots in
                treeOutput.withUnsafeBufferPointer { outputs in
                    for tree in 0..<roots.count {
                        var index = Int(roots[tree])
                        var node = nodes[index]
                        while node.feature >= 0 {
                            let value = row[Int(node.feature)]
                            let goLeft =
                                node.flags & TreeEnsemble.categoricalFlag == 0
                                ? Rule.goesLeft(value, threshold: node.value, flags: node.flags)
                                : categoricalGoesLeft(node: index, value: value, flags: node.flags)
                            index = Int(goLeft ? node.left : node.right)
                            node = nodes[index]
                        }
                        output[Int(outputs[tree])] += node.value
                    }
                }
            }
        }
    }

    /// XGBoost: NaN takes the default direction; a category in the set goes right, an invalid one
    /// (negative, >= 2^24) or one not in the set goes left. LightGBM: a category in the bitset goes left;
    /// NaN and negative categories (after truncation to Int32, as C++ does) go right.
    func categoricalGoesLeft(node: Int, value: Double, flags: UInt8) -> Bool {
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

    private func contains(_ range: CategoryRange, _ category: Int) -> Bool {
        let word = category >> 5
        if word >= Int(range.count) { return false }
        return categoryWords[Int(range.start) + word] & (1 << UInt32(category & 31)) != 0
    }
}
