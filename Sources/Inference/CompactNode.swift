/// One node of a `TreeEnsemble` in the compact layout the walker reads: the two children of a node are
/// adjacent (right = left + 1, so no right pointer), and a leaf points to itself with a NaN threshold (every
/// comparison goes left) so a fixed number of steps walks every path without a branch. Leaf values live in a
/// parallel array read once per tree. `Value` is `Float` where the library compares in float32 (XGBoost: 12
/// bytes a node) and `Double` otherwise (16 bytes).
struct CompactNode<Value: BinaryFloatingPoint & Sendable>: Sendable {
    /// Flag bits, stored in the top byte of `packed` (the low bits are the reader's `TreeNodes.flags`).
    static var defaultLeftFlag: UInt32 { UInt32(TreeEnsemble.defaultLeftFlag) }
    static var categoricalFlag: UInt32 { UInt32(TreeEnsemble.categoricalFlag) }
    static var internalFlag: UInt32 { 16 }
    /// Set on internal nodes whose missing values go right (the complement of `defaultLeftFlag`).
    static var defaultRightFlag: UInt32 { 32 }
    /// `defaultRightFlag`'s bit position in `packed`.
    static var defaultRightShift: UInt32 { 29 }
    /// Features are stored in the low 24 bits of `packed`.
    static var maxFeatures: Int { 1 << 24 }

    /// The threshold; NaN at a leaf; at a categorical split the index of its category set.
    let value: Value
    /// Global index of the left child (the right child is `left + 1`); a leaf's own index.
    let left: Int32
    /// Feature index (0 at a leaf, so reading it is always in bounds) | flags << 24 (no flags in an XGBoost
    /// ensemble without categorical splits: its walk needs none).
    let packed: UInt32

    @inline(__always) var feature: Int { Int(packed & 0xFF_FFFF) }
    @inline(__always) var flags: UInt32 { packed >> 24 }
}
