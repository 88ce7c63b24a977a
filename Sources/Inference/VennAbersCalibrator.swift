/// Inductive Venn-Abers calibration precomputed from calibration scores/labels so a prediction is a
/// binary search (Vovk–Petej–Fedorova): for each of the k + 1 gaps between the k distinct calibration
/// scores, the isotonic-fit block holding a test point placed in that gap with label 0 (→ p0) and 1 (→ p1).
///
/// `CalibrationIntervalOptions` add a prior correction (negatives weighted), a tie rule (scores snapped to
/// a grid) and a Wilson interval over the block's row counts, so the interval reflects how much calibration
/// evidence backs the estimate. training/calibration.py implements the same steps in the same order.
public struct VennAbersCalibrator: Sendable {
    /// Upper bound on distinct calibration scores; the precomputation is O(k²).
    public static let maxDistinctScores = 20_000

    /// Distinct (snapped) calibration scores, ascending.
    private let scores: [Double]
    /// `lower[i]` / `upper[i]`: the label-0 / label-1 block for a test point after `scores[i - 1]` and
    /// before `scores[i]`.
    private let lower: [CalibrationCell]
    private let upper: [CalibrationCell]
    public let options: CalibrationIntervalOptions
    public let calibrationSize: Int

    public init(scores: [Double], labels: [Int], options: CalibrationIntervalOptions = .init())
        throws(CalibrationError)
    {
        guard scores.count == labels.count else {
            throw CalibrationError("\(scores.count) scores but \(labels.count) labels")
        }
        guard scores.count >= 2 else { throw CalibrationError("calibration needs at least 2 points") }
        guard scores.allSatisfy(\.isFinite) else { throw CalibrationError("calibration scores must be finite") }
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw CalibrationError("labels must be 0 or 1") }
        guard options.negativeWeight > 0, options.negativeWeight.isFinite, options.designEffect >= 1,
            options.designEffect.isFinite, (options.intervalZ ?? 1) > 0, (options.scoreGrid ?? 1) > 0
        else { throw CalibrationError("interval options must be positive and finite (design effect >= 1)") }

        let snapped = scores.map(options.snap)
        var groupScores: [Double] = []
        var groups: [CalibrationCell] = []
        for index in snapped.indices.sorted(by: { snapped[$0] < snapped[$1] }) {
            let positive = labels[index] == 1
            let point = CalibrationCell(
                positiveWeight: positive ? 1 : 0, negativeWeight: positive ? 0 : options.negativeWeight,
                positiveRows: positive ? 1 : 0, negativeRows: positive ? 0 : 1)
            if let last = groupScores.last, last == snapped[index] {
                groups[groups.count - 1] = groups[groups.count - 1] + point
            } else {
                groupScores.append(snapped[index])
                groups.append(point)
            }
        }
        guard groups.count <= VennAbersCalibrator.maxDistinctScores else {
            throw CalibrationError(
                "\(groups.count) distinct calibration scores, at most \(VennAbersCalibrator.maxDistinctScores)")
        }
        var fitter = IsotonicGapFitter(groups: groups)
        self.scores = groupScores
        self.lower = (0...groups.count).map { fitter.fit(gap: $0, label: 0) }
        self.upper = (0...groups.count).map { fitter.fit(gap: $0, label: 1) }
        self.options = options
        self.calibrationSize = scores.count
    }

    /// A NaN score gets the widest interval (the outermost gaps). p0 uses the gap after all scores <= `score`
    /// (a tie pools with the equal score, which for label 0 is the same as sitting just after it); p1 the
    /// gap before all scores >= `score`.
    public func calibrate(_ score: Double) -> CalibratedProbability {
        let cell0: CalibrationCell
        let cell1: CalibrationCell
        if score.isNaN {
            cell0 = lower[0]
            cell1 = upper[scores.count]
        } else {
            let snapped = options.snap(score)
            cell0 = lower[insertionIndex(snapped, includingEqual: true)]
            cell1 = upper[insertionIndex(snapped, includingEqual: false)]
        }
        guard let z = options.intervalZ else {
            return CalibratedProbability(lower: cell0.rate, upper: cell1.rate)
        }
        return CalibratedProbability(
            p0: cell0.rate, p1: cell1.rate,
            lower: cell0.bound(z: z, designEffect: options.designEffect, lower: true),
            upper: cell1.bound(z: z, designEffect: options.designEffect, lower: false))
    }

    /// The number of distinct scores `< score` (or `<= score` when `includingEqual`).
    private func insertionIndex(_ score: Double, includingEqual: Bool) -> Int {
        var low = 0
        var high = scores.count
        while low < high {
            let middle = (low + high) / 2
            if scores[middle] < score || (includingEqual && scores[middle] == score) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
