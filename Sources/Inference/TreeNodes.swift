/// One tree as a loader reads it (node-local indices), before validation appends it to a
/// `TreeEnsembleBuilder`; keeping this neutral lets every format share the same checks.
struct TreeNodes {
    /// Feature per node; ignored for leaves.
    var feature: [Int] = []
    var threshold: [Double] = []
    /// Child indices; a node is a leaf iff its left child is negative.
    var left: [Int] = []
    var right: [Int] = []
    /// `TreeEnsemble` flag bits per node.
    var flags: [UInt8] = []
    var leafValue: [Double] = []
    /// Category bitset per categorical node (the node must carry `TreeEnsemble.categoricalFlag`).
    var categories: [Int: [UInt32]] = [:]

    /// Appends one node.
    mutating func append(
        feature: Int, threshold: Double, left: Int, right: Int, flags: UInt8 = 0, leafValue: Double = 0
    ) {
        self.feature.append(feature)
        self.threshold.append(threshold)
        self.left.append(left)
        self.right.append(right)
        self.flags.append(flags)
        self.leafValue.append(leafValue)
    }

    /// A bitset with a bit set for each category; categories must be in [0, 2^24).
    static func bitset(_ categories: [Int]) -> [UInt32]? {
        guard let largest = categories.max() else { return [] }
        guard categories.allSatisfy({ $0 >= 0 && $0 < 16_777_216 }) else { return nil }
        var words = [UInt32](repeating: 0, count: largest / 32 + 1)
        for category in categories { words[category / 32] |= 1 << UInt32(category % 32) }
        return words
    }
}
