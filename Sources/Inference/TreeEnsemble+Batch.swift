/// Batch evaluation: each tree is walked for a block of rows in lockstep, so the independent node loads
/// of different rows overlap instead of every step waiting for the previous one.
extension TreeEnsemble {
    /// Rows walked together per tree.
    static let blockSize = 16

    /// Raw margins for `rowCount` row-major rows into `output` (rowCount × outputCount).
    func margins(
        rows: UnsafeBufferPointer<Double>, rowCount: Int, featureCount: Int,
        into output: UnsafeMutableBufferPointer<Double>
    ) {
        for index in 0..<(rowCount * outputCount) { output[index] = 0 }
        switch semantics {
        case .xgboost: accumulate(XGBoostSplitRule.self, rows, rowCount, featureCount, into: output)
        case .lightgbm: accumulate(LightGBMSplitRule.self, rows, rowCount, featureCount, into: output)
        case .sklearn: accumulate(SklearnSplitRule.self, rows, rowCount, featureCount, into: output)
        }
        for row in 0..<rowCount {
            for index in 0..<outputCount {
                let slot = row * outputCount + index
                output[slot] = output[slot] * sumScale + baseMargin[index]
            }
        }
    }

    private func accumulate<Rule: SplitRule>(
        _ rule: Rule.Type, _ rows: UnsafeBufferPointer<Double>, _ rowCount: Int, _ featureCount: Int,
        into output: UnsafeMutableBufferPointer<Double>
    ) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: TreeEnsemble.blockSize) { current in
            nodes.withUnsafeBufferPointer { nodes in
                var start = 0
                while start < rowCount {
                    let count = min(TreeEnsemble.blockSize, rowCount - start)
                    for tree in 0..<treeRoot.count {
                        for row in 0..<count { current[row] = Int(treeRoot[tree]) }
                        var active = true
                        while active {
                            active = false
                            for row in 0..<count {
                                let index = current[row]
                                let node = nodes[index]
                                if node.feature < 0 { continue }
                                active = true
                                let value = rows[(start + row) * featureCount + Int(node.feature)]
                                let goLeft =
                                    node.flags & TreeEnsemble.categoricalFlag == 0
                                    ? Rule.goesLeft(value, threshold: node.value, flags: node.flags)
                                    : categoricalGoesLeft(node: index, value: value, flags: node.flags)
                                current[row] = Int(goLeft ? node.left : node.right)
                            }
                        }
                        let target = Int(treeOutput[tree])
                        for row in 0..<count {
                            output[(start + row) * outputCount + target] += nodes[current[row]].value
                        }
                    }
                    start += count
                }
            }
        }
    }
}
