/// Validates trees from any loader and lays them out into a `TreeEnsemble`, so a malformed artifact (child
/// out of range, cycle, feature out of range) is rejected at load time and prediction never has to check
/// bounds. Each tree is laid out breadth-first with the two children of a node adjacent.
struct TreeEnsembleBuilder {
    let semantics: SplitSemantics
    let featureCount: Int
    let outputCount: Int

    /// Nodes in their final order, before they take their stored precision in `build`.
    private var values: [Double] = []
    /// Leaf value per node (0 at internal nodes).
    private var leafValues: [Double] = []
    private var lefts: [Int32] = []
    private var packed: [UInt32] = []
    private var categoryRanges: [CategoryRange] = []
    private var categoryWords: [UInt32] = []
    private var treeRoot: [Int32] = []
    private var treeOutput: [Int32] = []
    private var treeDepth: [Int32] = []

    /// Largest ensemble accepted, in nodes (keeps indices within Int32 and memory bounded).
    static let maxNodes = 50_000_000

    init(semantics: SplitSemantics, featureCount: Int, outputCount: Int) {
        self.semantics = semantics
        self.featureCount = featureCount
        self.outputCount = outputCount
    }

    var treeCount: Int { treeRoot.count }

    /// Validates `tree` and appends it; `output` is the output group it adds to; `name` locates errors.
    mutating func append(_ tree: TreeNodes, output: Int, name: String) throws(ModelLoadError) {
        let count = tree.feature.count
        guard count > 0 else { throw ModelLoadError("\(name): tree has no nodes") }
        guard
            [tree.threshold.count, tree.left.count, tree.right.count, tree.flags.count, tree.leafValue.count]
                .allSatisfy({ $0 == count })
        else { throw ModelLoadError("\(name): node arrays have different lengths") }
        guard output >= 0, output < outputCount else {
            throw ModelLoadError("\(name): output group \(output) out of range 0..<\(outputCount)")
        }
        guard values.count + count <= TreeEnsembleBuilder.maxNodes else {
            throw ModelLoadError("\(name): model has more than \(TreeEnsembleBuilder.maxNodes) nodes")
        }
        guard featureCount <= CompactNode<Double>.maxFeatures / 2 else {
            throw ModelLoadError("\(name): more than \(CompactNode<Double>.maxFeatures / 2) features")
        }
        let order = try TreeEnsembleBuilder.breadthFirst(tree, featureCount: featureCount, name: name)

        let base = values.count
        var position = [Int](repeating: 0, count: count)
        for (index, node) in order.nodes.enumerated() { position[node] = base + index }
        treeRoot.append(Int32(base))
        treeOutput.append(Int32(output))
        treeDepth.append(Int32(order.depth))
        for node in order.nodes {
            guard tree.left[node] >= 0 else {
                values.append(.nan)
                leafValues.append(tree.leafValue[node])
                lefts.append(Int32(position[node]))
                packed.append(0)
                continue
            }
            var flags = UInt32(tree.flags[node]) | CompactNode<Double>.internalFlag
            if flags & CompactNode<Double>.defaultLeftFlag == 0 { flags |= CompactNode<Double>.defaultRightFlag }
            var value = tree.threshold[node]
            if flags & CompactNode<Double>.categoricalFlag != 0 {
                guard let words = tree.categories[node] else {
                    throw ModelLoadError("\(name): categorical node \(node) has no category set")
                }
                guard categoryRanges.count < 1 << 24 else { throw ModelLoadError("\(name): too many category sets") }
                value = Double(categoryRanges.count)
                categoryRanges.append(CategoryRange(start: Int32(categoryWords.count), count: Int32(words.count)))
                categoryWords.append(contentsOf: words)
            }
            flags &= 0xFF
            values.append(value)
            leafValues.append(0)
            lefts.append(Int32(position[tree.left[node]]))
            // XGBoost: a node whose missing values go left reads the row copy where NaN is -infinity.
            let copy = semantics == .xgboost && flags & CompactNode<Double>.defaultLeftFlag != 0 ? featureCount : 0
            packed.append(UInt32(tree.feature[node] + copy) | flags << 24)
        }
    }

    /// The nodes reachable from the root in breadth-first order, each internal node's children pushed
    /// together (so they end up adjacent), and the depth of the deepest leaf. Rejects children out of range,
    /// nodes reached twice (cycles, shared subtrees) and
    /// features out of range.
    private static func breadthFirst(
        _ tree: TreeNodes, featureCount: Int, name: String
    ) throws(ModelLoadError) -> (nodes: [Int], depth: Int) {
        let count = tree.feature.count
        var seen = [Bool](repeating: false, count: count)
        var order = [0]
        var depthOf = [0]
        var maxDepth = 0
        seen[0] = true
        var head = 0
        while head < order.count {
            let node = order[head]
            let depth = depthOf[head]
            head += 1
            guard tree.left[node] >= 0 else {
                maxDepth = max(maxDepth, depth)
                continue
            }
            let feature = tree.feature[node]
            guard feature >= 0, feature < featureCount else {
                throw ModelLoadError("\(name): node \(node) uses feature \(feature), model has \(featureCount)")
            }
            for child in [tree.left[node], tree.right[node]] {
                guard child >= 0, child < count else {
                    throw ModelLoadError("\(name): node \(node) has child \(child) out of range 0..<\(count)")
                }
                guard !seen[child] else {
                    throw ModelLoadError("\(name): node \(child) is reached twice (cycle or shared subtree)")
                }
                seen[child] = true
                order.append(child)
                depthOf.append(depth + 1)
            }
        }
        return (order, maxDepth)
    }

    func build(baseMargin: [Double], sumScale: Double) -> TreeEnsemble {
        let nodes: TreeEnsemble.Nodes
        switch semantics {
        case .xgboost:
            // Without categorical splits the walk's rule (`XGBoostSplitRule`) reads no flag: they are dropped,
            // so `packed` is the feature index itself and a step needs no mask.
            let mask: UInt32 = categoryRanges.isEmpty ? 0xFF_FFFF : .max
            nodes = .float32(
                (0..<values.count).map {
                    CompactNode(value: Float(values[$0]), left: lefts[$0], packed: packed[$0] & mask)
                },
                leaves: leafValues.map { Float($0) })
        case .lightgbm, .sklearn:
            nodes = .float64(
                (0..<values.count).map { CompactNode(value: values[$0], left: lefts[$0], packed: packed[$0]) },
                leaves: leafValues)
        }
        return TreeEnsemble(
            semantics: semantics, nodes: nodes, categoryRanges: categoryRanges, categoryWords: categoryWords,
            treeRoot: treeRoot, treeOutput: treeOutput, treeDepth: treeDepth, outputCount: outputCount,
            baseMargin: baseMargin, sumScale: sumScale)
    }
}
