/// LightGBM (tree.h `NumericalDecision`): NaN becomes 0 unless the missing type is NaN; a missing value
/// (zero for missing type Zero, NaN for NaN) takes the default direction; else left iff `x <= threshold` in
/// double. Categorical splits per `CategorySets.lightgbmRight`.
enum LightGBMSplitRule: SplitRule {
    /// LightGBM's `kZeroThreshold` (a float literal used as a double).
    static let zeroThreshold = Double(Float(1e-35))

    @inline(__always)
    static func right(_ value: Double, _ node: CompactNode<Double>, _ categories: CategorySets) -> Int32 {
        let flags = node.flags
        if flags & CompactNode<Double>.internalFlag == 0 { return 0 }
        if flags & CompactNode<Double>.categoricalFlag != 0 { return categories.lightgbmRight(value, node) }
        let defaultRight: Int32 = flags & CompactNode<Double>.defaultLeftFlag != 0 ? 0 : 1
        let missing = UInt8((flags >> UInt32(TreeEnsemble.missingTypeShift)) & 3)
        var value = value
        if value.isNaN {
            if missing == MissingType.nan.rawValue { return defaultRight }
            value = 0
        }
        if missing == MissingType.zero.rawValue && value > -zeroThreshold && value <= zeroThreshold {
            return defaultRight
        }
        return value <= node.value ? 0 : 1
    }
}
