/// All trees of an ensemble in one flat array of compact nodes (see `CompactNode`), so a prediction walks
/// contiguous memory and never allocates per row. Node indices are global (trees are concatenated).
struct TreeEnsemble: Sendable {
    /// Flag bits a reader sets in `TreeNodes.flags`.
    static let defaultLeftFlag: UInt8 = 1
    static let categoricalFlag: UInt8 = 2
    /// LightGBM missing type lives in bits 2-3.
    static let missingTypeShift: UInt8 = 2

    /// Nodes and leaf values (indexed by node) in the precision their library compares and sums in.
    enum Nodes: Sendable {
        /// XGBoost: float32 thresholds, leaves and sums.
        case float32([CompactNode<Float>], leaves: [Float])
        /// LightGBM and scikit-learn: double.
        case float64([CompactNode<Double>], leaves: [Double])
    }

    /// Whether any split is categorical (such models take the walker's slower categorical rule).
    var hasCategoricalSplits: Bool { !categoryRanges.isEmpty }

    let semantics: SplitSemantics
    let nodes: Nodes
    /// Per categorical split: start and word count in `categoryWords`.
    let categoryRanges: [CategoryRange]
    let categoryWords: [UInt32]
    /// Root node of each tree, the output it adds to, and the depth of its deepest leaf.
    let treeRoot: [Int32]
    let treeOutput: [Int32]
    let treeDepth: [Int32]
    let outputCount: Int
    /// The margin every output starts from (XGBoost, in float32) or that is added after the trees.
    let baseMargin: [Double]
    /// Multiplies the summed leaves (1 / iterations for averaged forests, else 1); double precision only.
    let sumScale: Double

    var approximateMemoryBytes: Int {
        let nodeBytes: Int
        switch nodes {
        case .float32(let nodes, _): nodeBytes = nodes.count * (MemoryLayout<CompactNode<Float>>.stride + 4)
        case .float64(let nodes, _): nodeBytes = nodes.count * (MemoryLayout<CompactNode<Double>>.stride + 8)
        }
        return nodeBytes + categoryWords.count * 4 + categoryRanges.count * 8 + treeRoot.count * 12
    }
}
