/// Pool-adjacent-violators over weighted calibration groups with one extra test point inserted in a gap;
/// reuses its block stack so the O(k) fit per gap allocates nothing after the first call.
struct IsotonicGapFitter {
    private let positives: [Double]
    private let weights: [Double]
    private var blockSum: [Double] = []
    private var blockWeight: [Double] = []

    init(positives: [Double], weights: [Double]) {
        self.positives = positives
        self.weights = weights
        blockSum.reserveCapacity(positives.count + 1)
        blockWeight.reserveCapacity(positives.count + 1)
    }

    /// The isotonic (non-decreasing) least-squares fit, evaluated at a test point with `label` placed
    /// before group `gap` (after all groups when `gap == count`).
    mutating func fit(gap: Int, label: Double) -> Double {
        blockSum.removeAll(keepingCapacity: true)
        blockWeight.removeAll(keepingCapacity: true)
        var testBlock = -1
        for position in 0...positives.count {
            if position == gap {
                push(label, 1)
                testBlock = blockSum.count - 1
            }
            if position < positives.count {
                push(positives[position], weights[position])
            }
            // Merges can swallow the test point's block into an earlier one.
            testBlock = min(testBlock, blockSum.count - 1)
        }
        return blockSum[testBlock] / blockWeight[testBlock]
    }

    private mutating func push(_ sum: Double, _ weight: Double) {
        blockSum.append(sum)
        blockWeight.append(weight)
        while blockSum.count >= 2 {
            let last = blockSum.count - 1
            // Violation when the earlier block's mean exceeds the later one's.
            guard blockSum[last - 1] * blockWeight[last] > blockSum[last] * blockWeight[last - 1] else { break }
            blockSum[last - 1] += blockSum[last]
            blockWeight[last - 1] += blockWeight[last]
            blockSum.removeLast()
            blockWeight.removeLast()
        }
    }
}
