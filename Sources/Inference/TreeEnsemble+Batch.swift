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

    /// What a walk reads: nodes, leaf values by node, category sets.
    struct Walk<Value: BinaryFloatingPoint & Sendable> {
        let nodes: UnsafePointer<CompactNode<Value>>
        let leaves: UnsafePointer<Value>
        let categories: CategorySets
    }

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
                case .float32(let nodes, let leaves):
                    nodes.withUnsafeBufferPointer { nodes in
                        leaves.withUnsafeBufferPointer { leaves in
                            guard let nodes = nodes.baseAddress, let leaves = leaves.baseAddress else { return }
                            let tree = Walk(nodes: nodes, leaves: leaves, categories: categories)
                            float32Margins(tree, input, rowCount, featureCount, into: sums)
                        }
                    }
                case .float64(let nodes, let leaves):
                    nodes.withUnsafeBufferPointer { nodes in
                        leaves.withUnsafeBufferPointer { leaves in
                            guard let nodes = nodes.baseAddress, let leaves = leaves.baseAddress else { return }
                            let tree = Walk(nodes: nodes, leaves: leaves, categories: categories)
                            switch semantics {
                            case .lightgbm:
                                float64Margins(LightGBMSplitRule.self, tree, input, rowCount, featureCount, sums)
                            case .sklearn, .xgboost:
                                float64Margins(SklearnSplitRule.self, tree, input, rowCount, featureCount, sums)
                            }
                        }
                    }
                }
            }
        }
    }

    /// XGBoost: each block's rows become float32 once; sums start at the base margin and stay float32. A block
    /// without missing values takes the one-comparison rule.
    private func float32Margins(
        _ tree: Walk<Float>, _ rows: UnsafePointer<Double>, _ rowCount: Int, _ featureCount: Int,
        into output: UnsafeMutablePointer<Double>
    ) {
        let block = max(1, min(TreeEnsemble.laneCount, TreeEnsemble.blockFeatureValues / featureCount))
        withUnsafeTemporaryAllocation(of: Float.self, capacity: block * featureCount) { features in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: block * outputCount) { sums in
                guard let features = features.baseAddress, let sums = sums.baseAddress else { return }
                var start = 0
                while start < rowCount {
                    let count = min(block, rowCount - start)
                    let source = rows + start * featureCount
                    var missing = false
                    for index in 0..<(count * featureCount) {
                        let value = XGBoostSplitRule.feature(source[index])
                        missing = missing || value.isNaN
                        features[index] = value
                    }
                    for row in 0..<count {
                        for group in 0..<outputCount { sums[row * outputCount + group] = Float(baseMargin[group]) }
                    }
                    if hasCategoricalSplits {
                        walk(XGBoostCategoricalSplitRule.self, tree, features, featureCount, count, into: sums)
                    } else if missing {
                        walk(XGBoostSplitRule.self, tree, features, featureCount, count, into: sums)
                    } else {
                        walk(XGBoostDenseSplitRule.self, tree, features, featureCount, count, into: sums)
                    }
                    let target = output + start * outputCount
                    for index in 0..<(count * outputCount) { target[index] = Double(sums[index]) }
                    start += count
                }
            }
        }
    }

    /// LightGBM and scikit-learn: rows are read in place; leaves summed from 0, then scaled and offset.
    private func float64Margins<Rule: SplitRule>(
        _ rule: Rule.Type, _ tree: Walk<Double>, _ rows: UnsafePointer<Double>, _ rowCount: Int, _ featureCount: Int,
        _ output: UnsafeMutablePointer<Double>
    ) where Rule.Feature == Double, Rule.Value == Double {
        output.update(repeating: 0, count: rowCount * outputCount)
        var start = 0
        while start < rowCount {
            let count = min(TreeEnsemble.laneCount, rowCount - start)
            walk(rule, tree, rows + start * featureCount, featureCount, count, into: output + start * outputCount)
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
        _ rule: Rule.Type, _ tree: Walk<Rule.Value>, _ features: UnsafePointer<Rule.Feature>, _ stride: Int,
        _ rowCount: Int, into sums: UnsafeMutablePointer<Rule.Value>
    ) {
        let (nodes, leaves, categories) = (tree.nodes, tree.leaves, tree.categories)
        let treeCount = treeRoot.count
        let treesPerPass = max(1, min(treeCount, TreeEnsemble.laneCount / rowCount))
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: TreeEnsemble.laneCount) { current in
            withUnsafeTemporaryAllocation(of: UnsafePointer<Rule.Feature>.self, capacity: TreeEnsemble.laneCount) {
                row in
                treeRoot.withUnsafeBufferPointer { roots in
                    treeOutput.withUnsafeBufferPointer { outputs in
                        treeDepth.withUnsafeBufferPointer { depths in
                            var tree = 0
                            while tree < treeCount {
                                let trees = min(treesPerPass, treeCount - tree)
                                let lanes = rowCount * trees
                                var depth: Int32 = 0
                                for offset in 0..<trees { depth = max(depth, depths[tree + offset]) }
                                var lane = 0
                                for index in 0..<rowCount {
                                    for offset in 0..<trees {
                                        current[lane] = roots[tree + offset]
                                        row[lane] = features + index * stride
                                        lane += 1
                                    }
                                }
                                for _ in 0..<depth {
                                    for lane in 0..<lanes {
                                        let node = nodes[Int(current[lane])]
                                        let value = row[lane][node.feature]
                                        current[lane] = node.left &+ Rule.right(value, node, categories)
                                    }
                                }
                                lane = 0
                                for index in 0..<rowCount {
                                    let rowSums = sums + index * outputCount
                                    if outputCount == 1 {
                                        // A local sum, not a store per tree that the next add must wait for.
                                        var sum = rowSums[0]
                                        for _ in 0..<trees {
                                            sum += leaves[Int(current[lane])]
                                            lane += 1
                                        }
                                        rowSums[0] = sum
                                    } else {
                                        for offset in 0..<trees {
                                            rowSums[Int(outputs[tree + offset])] += leaves[Int(current[lane])]
                                            lane += 1
                                        }
                                    }
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
