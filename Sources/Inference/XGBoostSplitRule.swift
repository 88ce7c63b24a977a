/// XGBoost (cpu_predictor): the row value becomes float32; left iff `value < threshold` in float32; NaN takes
/// the default direction. Three variants so the common cases pay for nothing they do not use: rows without
/// missing values (one comparison), rows with missing values (decided without a branch), and models with
/// categorical splits.
enum XGBoostSplitRule: SplitRule {
    @inline(__always)
    static func feature(_ value: Double) -> Float { Float(value) }

    /// `!(x < t)` is `x >= t` except for NaN, which goes right only where the default is right. A leaf's NaN
    /// threshold and clear flags send it left, to itself.
    @inline(__always)
    static func right(_ value: Float, _ node: CompactNode<Float>, _ categories: CategorySets) -> Int32 {
        let notLess: Int32 = value >= node.value ? 1 : 0
        let missingRight = Int32(truncatingIfNeeded: node.packed >> CompactNode<Float>.defaultRightShift) & 1
        return notLess | (value.isNaN ? missingRight : 0)
    }
}

/// XGBoost for a block of rows without missing values (as treelite specialises them).
enum XGBoostDenseSplitRule: SplitRule {
    @inline(__always)
    static func feature(_ value: Double) -> Float { Float(value) }

    @inline(__always)
    static func right(_ value: Float, _ node: CompactNode<Float>, _ categories: CategorySets) -> Int32 {
        value >= node.value ? 1 : 0
    }
}

/// XGBoost for models with categorical splits.
enum XGBoostCategoricalSplitRule: SplitRule {
    @inline(__always)
    static func feature(_ value: Double) -> Float { Float(value) }

    @inline(__always)
    static func right(_ value: Float, _ node: CompactNode<Float>, _ categories: CategorySets) -> Int32 {
        if node.flags & CompactNode<Float>.categoricalFlag != 0 { return categories.xgboostRight(value, node) }
        return XGBoostSplitRule.right(value, node, categories)
    }
}
