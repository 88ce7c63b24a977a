/// XGBoost (cpu_predictor): the row value becomes float32; left iff `value < threshold` in float32; NaN takes
/// the default direction, decided without a branch.
enum XGBoostSplitRule: SplitRule {
    @inline(__always)
    static func feature(_ value: Double) -> Float { Float(value) }

    @inline(__always)
    static func right(_ value: Float, _ node: CompactNode<Float>, _ categories: CategorySets) -> Int32 {
        let flags = node.flags
        if flags & CompactNode<Float>.categoricalFlag != 0 { return categories.xgboostRight(value, node) }
        // NaN compares false, so it goes right unless the node's default is left.
        let notLess: Int32 = value < node.value ? 0 : 1
        let missingLeft: Int32 = value.isNaN ? Int32(flags & CompactNode<Float>.defaultLeftFlag) : 0
        let isInternal = Int32(flags >> 4) & 1
        return notLess & ~missingLeft & isInternal
    }
}
