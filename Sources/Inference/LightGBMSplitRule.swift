/// LightGBM (tree.h `NumericalDecision`): NaN becomes 0 unless the missing type is NaN; a missing value
/// (zero for missing type Zero, NaN for NaN) takes the default direction; else left iff `x <= threshold`.
enum LightGBMSplitRule: SplitRule {
    /// LightGBM's `kZeroThreshold` (a float literal used as a double).
    static let zeroThreshold = Double(Float(1e-35))

    @inline(__always)
    static func goesLeft(_ value: Double, threshold: Double, flags: UInt8) -> Bool {
        let missing = (flags >> TreeEnsemble.missingTypeShift) & 3
        var value = value
        if value.isNaN {
            if missing == MissingType.nan.rawValue { return flags & TreeEnsemble.defaultLeftFlag != 0 }
            value = 0
        }
        if missing == MissingType.zero.rawValue && value > -zeroThreshold && value <= zeroThreshold {
            return flags & TreeEnsemble.defaultLeftFlag != 0
        }
        return value <= threshold
    }
}
