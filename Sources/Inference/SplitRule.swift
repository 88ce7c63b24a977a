/// A numerical split decision as a type, so the traversal loop is specialised per library and never
/// switches on the semantics per node.
protocol SplitRule {
    static func goesLeft(_ value: Double, threshold: Double, flags: UInt8) -> Bool
}
