/// The category bitsets of an ensemble's categorical splits, borrowed for the duration of one walk; a
/// categorical node's `value` is the index of its range here.
struct CategorySets {
    let ranges: UnsafeBufferPointer<CategoryRange>
    let words: UnsafeBufferPointer<UInt32>

    /// XGBoost: NaN takes the default direction; a category in the set goes right, an invalid one (negative,
    /// >= 2^24) or one not in the set goes left.
    func xgboostRight(_ value: Float, _ node: CompactNode<Float>) -> Int32 {
        if value.isNaN { return node.flags & CompactNode<Float>.defaultLeftFlag != 0 ? 0 : 1 }
        if value < 0 || value >= 16_777_216 { return 0 }
        return contains(Int(node.value), Int(value)) ? 1 : 0
    }

    /// LightGBM: a category in the bitset goes left; NaN and negative categories (after truncation to Int32,
    /// as C++ does) go right.
    func lightgbmRight(_ value: Double, _ node: CompactNode<Double>) -> Int32 {
        // NaN and values outside Int32 convert to INT_MIN in C++, i.e. negative: right.
        guard value > -2_147_483_649, value < 2_147_483_648 else { return 1 }
        let category = Int(value)
        if category < 0 { return 1 }
        return contains(Int(node.value), category) ? 0 : 1
    }

    private func contains(_ slot: Int, _ category: Int) -> Bool {
        let range = ranges[slot]
        let word = category >> 5
        if word >= Int(range.count) { return false }
        return words[Int(range.start) + word] & (1 << UInt32(category & 31)) != 0
    }
}
