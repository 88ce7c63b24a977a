/// Pool-adjacent-violators over weighted calibration groups with one extra test point inserted in a gap;
/// reuses its block stack so the O(k) fit per gap allocates nothing after the first call.
struct IsotonicGapFitter {
    private let groups: [CalibrationCell]
    private var blocks: [CalibrationCell] = []

    init(groups: [CalibrationCell]) {
        self.groups = groups
        blocks.reserveCapacity(groups.count + 1)
    }

    /// The block of the isotonic (non-decreasing) weighted least-squares fit that holds a test point of
    /// weight 1 with `label`, placed before group `gap` (after all groups when `gap == count`).
    mutating func fit(gap: Int, label: Int) -> CalibrationCell {
        blocks.removeAll(keepingCapacity: true)
        var testBlock = -1
        for position in 0...groups.count {
            if position == gap {
                push(
                    label == 1
                        ? CalibrationCell(positiveWeight: 1, negativeWeight: 0, positiveRows: 1, negativeRows: 0)
                        : CalibrationCell(positiveWeight: 0, negativeWeight: 1, positiveRows: 0, negativeRows: 1))
                testBlock = blocks.count - 1
            }
            if position < groups.count {
                push(groups[position])
            }
            // Merges can swallow the test point's block into an earlier one.
            testBlock = min(testBlock, blocks.count - 1)
        }
        return blocks[testBlock]
    }

    private mutating func push(_ cell: CalibrationCell) {
        blocks.append(cell)
        while blocks.count >= 2 {
            let a = blocks[blocks.count - 2]
            let b = blocks[blocks.count - 1]
            // Violation when the earlier block's weighted mean exceeds the later one's.
            guard
                a.positiveWeight * (b.positiveWeight + b.negativeWeight)
                    > b.positiveWeight * (a.positiveWeight + a.negativeWeight)
            else { break }
            blocks.removeLast()
            blocks[blocks.count - 1] = a + b
        }
    }
}
