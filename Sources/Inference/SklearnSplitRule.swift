/// scikit-learn: left iff `Double(Float(x)) <= threshold`; NaN goes where `missing_left` says.
enum SklearnSplitRule: SplitRule {
    @inline(__always)
    static func goesLeft(_ value: Double, threshold: Double, flags: UInt8) -> Bool {
        if value.isNaN { return flags & TreeEnsemble.defaultLeftFlag != 0 }
        return Double(Float(value)) <= threshold
    }
}
