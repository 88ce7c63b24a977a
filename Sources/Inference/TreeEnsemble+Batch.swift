/// Batch evaluation. Rows are taken in blocks; within a block, 64 lanes (each one row and one tree) are walked
/// in lockstep for the trees' depth, so the independent node loads of different lanes overlap instead of every
/// step waiting for the previous one, and no step branches on the path (leaves point to themselves). A block
/// walks its rows through as many trees at once as fill the lanes (a block of 64 rows goes tree by tree, as
/// XGBoost's block predictor does). A single row goes through sixteen trees at once with their node indices in
/// registers (`walkOneRow`). Leaves are then added to each row's sums in tree order, which keeps XGBoost's
/// float32 summation order exactly. Nothing is allocated.
extension TreeEnsemble {
    /// Lanes walked together; also the largest block of rows.
    static let laneCount = 64
    /// Cap on a block's float32 copy of its rows (values): 1 KiB, which Swift always places on the stack (a
    /// larger temporary allocation first asks glibc for the thread's stack bounds, which allocates). With 30
    /// features a block is 4 rows walked through 16 trees at a time.
    static let blockFeatureValues = 256

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
                            let inputs = Walk(nodes: nodes, leaves: leaves, categories: categories)
                            float32Margins(inputs, input, rowCount, featureCount, into: sums)
                        }
                    }
                case .float64(let nodes, let leaves):
                    nodes.withUnsafeBufferPointer { nodes in
                        leaves.withUnsafeBufferPointer { leaves in
                            guard let nodes = nodes.baseAddress, let leaves = leaves.baseAddress else { return }
                            let inputs = Walk(nodes: nodes, leaves: leaves, categories: categories)
                            switch semantics {
                            case .lightgbm:
                                float64Margins(LightGBMSplitRule.self, inputs, input, rowCount, featureCount, sums)
                            case .sklearn, .xgboost:
                                float64Margins(SklearnSplitRule.self, inputs, input, rowCount, featureCount, sums)
                            }
                        }
                    }
                }
            }
        }
    }

    /// XGBoost: each block's rows become float32, twice side by side (see `XGBoostSplitRule`); sums start at the
    /// base margin and stay float32.
    private func float32Margins(
        _ inputs: Walk<Float>, _ rows: UnsafePointer<Double>, _ rowCount: Int, _ featureCount: Int,
        into output: UnsafeMutablePointer<Double>
    ) {
        let width = 2 * featureCount
        let block = max(1, min(TreeEnsemble.laneCount, TreeEnsemble.blockFeatureValues / width))
        let keepMissing = hasCategoricalSplits
        withUnsafeTemporaryAllocation(of: Float.self, capacity: block * width) { features in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: block * outputCount) { sums in
                guard let features = features.baseAddress, let sums = sums.baseAddress else { return }
                var start = 0
                while start < rowCount {
                    let count = min(block, rowCount - start)
                    for row in 0..<count {
                        let source = rows + (start + row) * featureCount
                        let right = features + row * width
                        let left = right + featureCount
                        for feature in 0..<featureCount {
                            let value = Float(source[feature])
                            let missing = value.isNaN && !keepMissing
                            right[feature] = missing ? .infinity : value
                            left[feature] = missing ? -.infinity : value
                        }
                        for group in 0..<outputCount { sums[row * outputCount + group] = Float(baseMargin[group]) }
                    }
                    if keepMissing {
                        walk(XGBoostCategoricalSplitRule.self, inputs, features, width, count, into: sums)
                    } else {
                        walk(XGBoostSplitRule.self, inputs, features, width, count, into: sums)
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
        _ rule: Rule.Type, _ inputs: Walk<Double>, _ rows: UnsafePointer<Double>, _ rowCount: Int, _ featureCount: Int,
        _ output: UnsafeMutablePointer<Double>
    ) where Rule.Feature == Double, Rule.Value == Double {
        output.update(repeating: 0, count: rowCount * outputCount)
        var start = 0
        while start < rowCount {
            let count = min(TreeEnsemble.laneCount, rowCount - start)
            walk(rule, inputs, rows + start * featureCount, featureCount, count, into: output + start * outputCount)
            start += count
        }
        for row in 0..<rowCount {
            for group in 0..<outputCount {
                let slot = row * outputCount + group
                output[slot] = output[slot] * sumScale + baseMargin[group]
            }
        }
    }

    /// Adds every tree's leaf for one row to `sums` (outputCount values), in tree order. Sixteen trees are
    /// walked at once with their node indices in registers (or spilled next to them): per step a node load, a
    /// feature load and a comparison, with no lane array to store to and reload as `walk` has, while sixteen
    /// independent paths overlap their loads from L2 (eight left 17% on the table in the engine benchmark,
    /// thirty-two gained nothing more). The last trees (fewer than sixteen) go one at a time.
    private func walkOneRow<Rule: SplitRule>(
        _ rule: Rule.Type, _ inputs: Walk<Rule.Value>, _ features: UnsafePointer<Rule.Feature>,
        into sums: UnsafeMutablePointer<Rule.Value>
    ) {
        let (nodes, leaves, categories) = (inputs.nodes, inputs.leaves, inputs.categories)
        @inline(__always) func step(_ index: Int32) -> Int32 {
            let node = nodes[Int(index)]
            return node.left &+ Rule.right(features[Rule.featureIndex(node)], node, categories)
        }
        let single = outputCount == 1
        // One output sums in a local (returned), not a store per tree that the next add must wait for.
        let sum = treeRoot.withUnsafeBufferPointer { roots in
            treeOutput.withUnsafeBufferPointer { outputs in
                treeDepth.withUnsafeBufferPointer { depths in
                    var sum = sums[0]
                    @inline(__always) func add(_ node: Int32, tree: Int) {
                        if single { sum += leaves[Int(node)] } else { sums[Int(outputs[tree])] += leaves[Int(node)] }
                    }
                    let treeCount = roots.count
                    var tree = 0
                    while tree + 16 <= treeCount {
                        var (a, b, c, d) = (roots[tree], roots[tree + 1], roots[tree + 2], roots[tree + 3])
                        var (e, f, g, h) = (roots[tree + 4], roots[tree + 5], roots[tree + 6], roots[tree + 7])
                        var (i, j, k, l) = (roots[tree + 8], roots[tree + 9], roots[tree + 10], roots[tree + 11])
                        var (m, n, o, p) = (roots[tree + 12], roots[tree + 13], roots[tree + 14], roots[tree + 15])
                        var depth: Int32 = 0
                        for offset in 0..<16 { depth = max(depth, depths[tree + offset]) }
                        for _ in 0..<depth {
                            (a, b, c, d) = (step(a), step(b), step(c), step(d))
                            (e, f, g, h) = (step(e), step(f), step(g), step(h))
                            (i, j, k, l) = (step(i), step(j), step(k), step(l))
                            (m, n, o, p) = (step(m), step(n), step(o), step(p))
                        }
                        add(a, tree: tree)
                        add(b, tree: tree + 1)
                        add(c, tree: tree + 2)
                        add(d, tree: tree + 3)
                        add(e, tree: tree + 4)
                        add(f, tree: tree + 5)
                        add(g, tree: tree + 6)
                        add(h, tree: tree + 7)
                        add(i, tree: tree + 8)
                        add(j, tree: tree + 9)
                        add(k, tree: tree + 10)
                        add(l, tree: tree + 11)
                        add(m, tree: tree + 12)
                        add(n, tree: tree + 13)
                        add(o, tree: tree + 14)
                        add(p, tree: tree + 15)
                        tree += 16
                    }
                    while tree < treeCount {
                        var node = roots[tree]
                        for _ in 0..<depths[tree] { node = step(node) }
                        add(node, tree: tree)
                        tree += 1
                    }
                    return sum
                }
            }
        }
        if single { sums[0] = sum }
    }

    /// Adds every tree's leaf for `rowCount` (at most `laneCount`) rows of `features` (row stride `stride`)
    /// to `sums` (rowCount × outputCount), in tree order.
    private func walk<Rule: SplitRule>(
        _ rule: Rule.Type, _ inputs: Walk<Rule.Value>, _ features: UnsafePointer<Rule.Feature>, _ stride: Int,
        _ rowCount: Int, into sums: UnsafeMutablePointer<Rule.Value>
    ) {
        if rowCount == 1 { return walkOneRow(rule, inputs, features, into: sums) }
        let (nodes, leaves, categories) = (inputs.nodes, inputs.leaves, inputs.categories)
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
                                        let value = row[lane][Rule.featureIndex(node)]
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
