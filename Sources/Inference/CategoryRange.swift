/// Where one categorical split's bitset lives in `TreeEnsemble.categoryWords`.
struct CategoryRange: Sendable {
    let start: Int32
    let count: Int32
}
