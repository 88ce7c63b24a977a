/// A numerical split decision as a type, so the traversal loop is specialised per library and never
/// switches on the semantics per node.
protocol SplitRule {
    static func goesLeft(_ value: Double, threshold: Double, flags: UInt8) -> Bool
}

/// XGBoost: left iff `Float(x) < threshold`; NaN takes the default direction.
enum XGBoostSplitRule: SplitRule {
    @inline(__always)
    static func goesLeft(_ value: Double, threshold: Double, flags: UInt8) -> Bool {
        if value.isNaN { return flags & TreeEnsemble.defaultLeftFlag != 0 }
        return Double(Float(value)) < threshold
    }
}

/// scikit-learn: left iff `Double(Float(x)) <= threshold`; NaN goes where `missing_left` says.
enum SklearnSplitRule: SplitRule {
    @inline(__always)
    static func goesLeft(_ value: Double, threshold: Double, flags: UInt8) -> Bool {
        if value.isNaN { return flags & TreeEnsemble.defaultLeftFlag != 0 }
        return Double(Float(value)) <= threshold
    }
}

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

/// LightGBM's per-node treatment of missing values (`(decision_type >> 2) & 3`).
enum MissingType: UInt8, Sendable {
    case none = 0
    case zero = 1
    case nan = 2
}
