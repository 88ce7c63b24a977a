/// Batch evaluation. Rows are taken in blocks; within a block, lanes (one row and one tree each) are walked
/// in lockstep for the tree's depth, so the independent node loads of different lanes overlap instead of
/// every step waiting for the previous one, and no step branches on the path (leaves point to themselves).
/// A large block has one tree per lane group (tree by tree, as XGBoost's block predictor does); a small one
/// (a single row) spreads the lanes over many trees at once. Leaves are then added to each row's sums in tree
/// order, which keeps XGBoost's float32 summation order exactly.
extension TreeEnsemble {
    /// Lanes walked together; also the largest block of rows.
    static let laneCount = 64
    /// Cap on a block's float32 copy of its rows (values), for models with very many features.
    static let blockFeatureValues = 16_384

    /// Raw margins for `rowCount` row-major rows into `output` (rowCount × outputCount).
    func margins(
        rows: UnsafeBufferPointer<Double>, rowCount: Int, featureCount: Int,
        into output: UnsafeMutableBufferPointer<Double>
    ) {
        guard rowCount > 0, let input = rows.baseAddress, let sums = output.baseAddress else { return }
        categoryRanges.withUnsafeBufferPointer { ranges in
            categoryWords.withUnsafeBufferPointer { words in
                let categories = CategorySets(ranges: ranges, words: words)
                switch nodes {
                case .float32(let nodes):
                    nodes.withUnsafeBufferPointer {
                        float32Margins($0, categories, input, rowCount, featureCount, into: sums)
                    }
                case .float64(let nodes):
                    nodes.withUnsafeBufferPointer { nodes in
                        switch semantics {
                        case .lightgbm:
                            float64Margins(
                                LightGBMSplitRule.self, nodes, categories, input, rowCount, featureCount, sums)
                        case .sklearn, .xgboost:
                            float64Margins(
                                SklearnSplitRule.self, nodes, categories, input, rowCount, featureCount, sums)
                        }
                    }
                }
            }
        }
    }

    /// XGBoost: each block's rows become float32 once; sums start at the base margin and stay float32.
    private func float32Margins(
        _ nodes: UnsafeBufferPointer<CompactNode<Float>>, _ categories: CategorySets, _ rows: UnsafePointer<Double>,
        _ rowCount: Int, _ featureCount: Int, into output: UnsafeMutablePointer<Double>
    ) {
        let block = max(1, min(TreeEnsemble.laneCount, TreeEnsemble.blockFeatureValues / featureCount))
        withUnsafeTemporaryAllocation(of: Float.self, capacity: block * featureCount) { features in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: block * outputCount) { sums in
                guard let features = features.baseAddress, let sums = sums.baseAddress else { return }
                var start = 0
                while start < rowCount {
                    let count = min(block, rowCount - start)
                    let source = rows + start * featureCount
                    for index in 0..<(count * featureCount) {
                        features[index] = XGBoostSplitRule.feature(source[index])
                    }
                    for row in 0..<count {
                        for group in 0..<outputCount { sums[row * outputCount + group] = Float(baseMargin[group]) }
                    }
                    walk(XGBoostSplitRule.self, nodes, categories, features, featureCount, count, into: sums)
                    let target = output + start * outputCount
                    for index in 0..<(count * outputCount) { target[index] = Double(sums[index]) }
                    start += count
                }
            }
        }
    }

    /// LightGBM and scikit-learn: rows are read in place; leaves summed from 0, then scaled and offset.
    private func float64Margins<Rule: SplitRule>(
        _ rule: Rule.Type, _ nodes: UnsafeBufferPointer<CompactNode<Double>>, _ categories: CategorySets,
        _ rows: UnsafePointer<Double>, _ rowCount: Int, _ featureCount: Int, _ output: UnsafeMutablePointer<Double>
    ) where Rule.Feature == Double, Rule.Value == Double {
        output.update(repeating: 0, count: rowCount * outputCount)
        var start = 0
        while start < rowCount {
            let count = min(TreeEnsemble.laneCount, rowCount - start)
            walk(
                rule, nodes, categories, rows + start * featureCount, featureCount, count,
                into: output + start * outputCount)
            start += count
        }
        for row in 0..<rowCount {
            for group in 0..<outputCount {
                let slot = row * outputCount + group
                output[slot] = output[slot] * sumScale + baseMargin[group]
            }
        }
    }

    /// Adds every tree's leaf for `rowCount` (at most `laneCount`) rows of `features` (row stride `stride`)
    /// to `sums` (rowCount × outputCount), in tree order.
    private func walk<Rule: SplitRule>(
        _ rule: Rule.Type, _ nodes: UnsafeBufferPointer<CompactNode<Rule.Value>>, _ categories: CategorySets,
        _ features: UnsafePointer<Rule.Feature>, _ stride: Int, _ rowCount: Int,
        into sums: UnsafeMutablePointer<Rule.Value>
    ) {
        guard let nodes = nodes.baseAddress else { return }
        let treeCount = treeRoot.count
        let treesPerPass = max(1, min(treeCount, TreeEnsemble.laneCount / rowCount))
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: TreeEnsemble.laneCount) { current in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: TreeEnsemble.laneCount) { rowStart in
                treeRoot.withUnsafeBufferPointer { roots in
                    treeOutput.withUnsafeBufferPointer { outputs in
                        treeDepth.withUnsafeBufferPointer { depths in
                            var tree = 0
                            while tree < treeCount {
                                let trees = min(treesPerPass, treeCount - tree)
                                let lanes = rowCount * trees
                                var depth: Int32 = 0
                                for offset in 0..<trees { depth = max(depth, depths[tree + offset]) }
                                for lane in 0..<lanes {
                                    current[lane] = roots[tree + lane % trees]
                                    rowStart[lane] = lane / trees * stride
                                }
                                for _ in 0..<depth {
                                    for lane in 0..<lanes {
                                        let node = nodes[Int(current[lane])]
                                        let value = features[rowStart[lane] + node.feature]
                                        current[lane] = node.left &+ Rule.right(value, node, categories)
                                    }
                                }
                                for lane in 0..<lanes {
                                    let slot = lane / trees * outputCount + Int(outputs[tree + lane % trees])
                                    sums[slot] += nodes[Int(current[lane])].value
                                }
                                tree += trees
                            }
                        }
                    }
                }
            }
        }
    }
}
