/// A library's split decision as a type, so the walk is specialised per library and never switches on the
/// semantics per node. `Feature` is the type of the row values the walk reads (XGBoost: a float32 copy made
/// per block of rows); `Value` is the precision of thresholds, leaves and sums.
protocol SplitRule {
    associatedtype Feature: BinaryFloatingPoint
    associatedtype Value: BinaryFloatingPoint & Sendable

    /// 1 to take the right child, 0 for the left one; always 0 at a leaf (which points to itself).
    static func right(_ value: Feature, _ node: CompactNode<Value>, _ categories: CategorySets) -> Int32

    /// The row value a node compares (`node.feature`, unless the rule knows its nodes carry no flags).
    static func featureIndex(_ node: CompactNode<Value>) -> Int
}

extension SplitRule {
    @inline(__always)
    static func featureIndex(_ node: CompactNode<Value>) -> Int { node.feature }
}
