/// XGBoost: left iff `Float(x) < threshold`; NaN takes the default direction.
enum XGBoostSplitRule: SplitRule {
    @inline(__always)
    static func goesLeft(_ value: Double, threshold: Double, flags: UInt8) -> Bool {
        if value.isNaN { return flags & TreeEnsemble.defaultLeftFlag != 0 }
        return Double(Float(value)) < threshold
    }
}
