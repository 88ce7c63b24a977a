/// Which library's split semantics a `TreeEnsemble` follows, because the three training libraries disagree
/// on `<` vs `<=`, float32 vs double and where missing values go; each loader picks the library that
/// trained the model so predictions match it (numerical rules in SplitRule.swift).
enum SplitSemantics: Sendable, Equatable {
    /// XGBoost: left iff `Float(x) < threshold`; NaN takes the default direction; a category in the set
    /// goes right, an invalid one (negative, >= 2^24) or one not in the set goes left.
    case xgboost
    /// LightGBM: NaN becomes 0 unless the node's missing type is NaN; missing values take the default
    /// direction; else left iff `x <= threshold` in double. A category in the bitset goes left; NaN and
    /// negative categories go right.
    case lightgbm
    /// scikit-learn: left iff `Double(Float(x)) <= threshold`; NaN goes where `missing_left` says.
    case sklearn
}
