/// scikit-learn: left iff `Double(Float(x)) <= threshold`; NaN goes where `missing_left` says.
enum SklearnSplitRule: SplitRule {
    @inline(__always)
    static func right(_ value: Double, _ node: CompactNode<Double>, _ categories: CategorySets) -> Int32 {
        let flags = node.flags
        if flags & CompactNode<Double>.internalFlag == 0 { return 0 }
        if value.isNaN { return flags & CompactNode<Double>.defaultLeftFlag != 0 ? 0 : 1 }
        return Double(Float(value)) <= node.value ? 0 : 1
    }
}
