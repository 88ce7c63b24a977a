/// XGBoost (cpu_predictor): left iff `Float(x) < threshold` in float32; NaN takes the node's default direction.
/// Missing values cost no branch and no test (lleaves avoids the branch too): each row of a block is converted to
/// float32 twice, side by side, NaN becoming +infinity in the first copy and -infinity in the second, and a node
/// whose default is left reads its feature from the second copy (the builder offsets its feature index by the
/// feature count). So every split is the single comparison `x >= t`, which also sends a leaf (NaN threshold)
/// left, to itself.
enum XGBoostSplitRule: SplitRule {
    @inline(__always)
    static func right(_ value: Float, _ node: CompactNode<Float>, _ categories: CategorySets) -> Int32 {
        value >= node.value ? 1 : 0
    }

    /// Ensembles this rule walks have no categorical split, and their nodes are built without flags
    /// (`TreeEnsembleBuilder.build`): `packed` is the feature index, with no mask to apply.
    @inline(__always)
    static func featureIndex(_ node: CompactNode<Float>) -> Int { Int(node.packed) }
}

/// XGBoost models with categorical splits: both copies of a row keep NaN (a categorical split needs to see it),
/// so numerical splits test for it: `!(x < t)` is `x >= t` except for NaN, which goes right only where the
/// default is right.
enum XGBoostCategoricalSplitRule: SplitRule {
    @inline(__always)
    static func right(_ value: Float, _ node: CompactNode<Float>, _ categories: CategorySets) -> Int32 {
        if node.flags & CompactNode<Float>.categoricalFlag != 0 { return categories.xgboostRight(value, node) }
        let notLess: Int32 = value >= node.value ? 1 : 0
        let missingRight = Int32(truncatingIfNeeded: node.packed >> CompactNode<Float>.defaultRightShift) & 1
        return notLess | (value.isNaN ? missingRight : 0)
    }
}
