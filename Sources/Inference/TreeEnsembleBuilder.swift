/// Validates trees from any loader and concatenates them into a `TreeEnsemble`, so a malformed artifact
/// (child out of range, cycle, feature out of range) is rejected at load time and prediction never has
/// to check bounds.
struct TreeEnsembleBuilder {
    let semantics: SplitSemantics
    let featureCount: Int
    let outputCount: Int

    private var nodes: [TreeNode] = []
    private var categorySlot: [Int32] = []
    private var categoryRanges: [CategoryRange] = []
    private var categoryWords: [UInt32] = []
    private var treeRoot: [Int32] = []
    private var treeOutput: [Int32] = []

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
        guard nodes.count + count <= TreeEnsembleBuilder.maxNodes else {
            throw ModelLoadError("\(name): model has more than \(TreeEnsembleBuilder.maxNodes) nodes")
        }
        try TreeEnsembleBuilder.checkStructure(tree, featureCount: featureCount, name: name)

        let base = nodes.count
        treeRoot.append(Int32(base))
        treeOutput.append(Int32(output))
        for node in 0..<count {
            let isLeaf = tree.left[node] < 0
            var flags = tree.flags[node]
            if !isLeaf, flags & TreeEnsemble.categoricalFlag != 0 {
                guard let words = tree.categories[node] else {
                    throw ModelLoadError("\(name): categorical node \(node) has no category set")
                }
                categorySlot.append(Int32(categoryRanges.count))
                categoryRanges.append(CategoryRange(start: Int32(categoryWords.count), count: Int32(words.count)))
                categoryWords.append(contentsOf: words)
            } else {
                categorySlot.append(-1)
                flags &= ~TreeEnsemble.categoricalFlag
            }
            nodes.append(
                TreeNode(
                    value: isLeaf ? tree.leafValue[node] : tree.threshold[node],
                    left: isLeaf ? -1 : Int32(base + tree.left[node]),
                    right: isLeaf ? -1 : Int32(base + tree.right[node]),
                    feature: isLeaf ? -1 : Int32(tree.feature[node]), flags: flags))
        }
    }

    /// Every internal node's children are in range and every node is reached at most once from the root
    /// (which rules out cycles and shared subtrees); features are in range.
    private static func checkStructure(_ tree: TreeNodes, featureCount: Int, name: String) throws(ModelLoadError) {
        let count = tree.feature.count
        var seen = [Bool](repeating: false, count: count)
        var stack = [0]
        seen[0] = true
        while let node = stack.popLast() {
            guard tree.left[node] >= 0 else { continue }
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
                stack.append(child)
            }
        }
    }

    func build(baseMargin: [Double], sumScale: Double) -> TreeEnsemble {
        TreeEnsemble(
            semantics: semantics, nodes: nodes, categorySlot: categorySlot, categoryRanges: categoryRanges,
            categoryWords: categoryWords, treeRoot: treeRoot, treeOutput: treeOutput, outputCount: outputCount,
            baseMargin: baseMargin, sumScale: sumScale)
    }
}
