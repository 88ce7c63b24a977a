/// LightGBM's per-node treatment of missing values (`(decision_type >> 2) & 3`).
enum MissingType: UInt8, Sendable {
    case none = 0
    case zero = 1
    case nan = 2
}
