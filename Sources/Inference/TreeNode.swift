/// One node of a `TreeEnsemble`, packed (24 bytes) so a traversal step touches a single cache line.
struct TreeNode: Sendable {
    /// The split threshold, or the leaf value at a leaf (already multiplied by any DART tree weight).
    let value: Double
    /// Global child indices; -1 at leaves.
    let left: Int32
    let right: Int32
    /// Feature index, -1 at a leaf.
    let feature: Int32
    /// `TreeEnsemble` flag bits (default direction, categorical, LightGBM missing type).
    let flags: UInt8
}
