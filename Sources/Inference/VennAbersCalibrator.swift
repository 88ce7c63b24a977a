/// Inductive Venn-Abers calibration precomputed from calibration scores/labels so a prediction is a
/// binary search (Vovk–Petej–Fedorova): for each of the k + 1 gaps between the k distinct calibration
/// scores, p0 and p1 are the isotonic fits at a test point placed in that gap with label 0 and 1.
public struct VennAbersCalibrator: Sendable {
    /// Upper bound on distinct calibration scores; the precomputation is O(k²).
    public static let maxDistinctScores = 20_000

    /// Distinct calibration scores, ascending.
    private let scores: [Double]
    /// `lower[i]` / `upper[i]`: p0 / p1 for a test point after `scores[i - 1]` and before `scores[i]`.
    private let lower: [Double]
    private let upper: [Double]
    public let calibrationSize: Int

    public init(scores: [Double], labels: [Int]) throws(CalibrationError) {
        guard scores.count == labels.count else {
            throw CalibrationError("\(scores.count) scores but \(labels.count) labels")
        }
        guard scores.count >= 2 else { throw CalibrationError("calibration needs at least 2 points") }
        guard scores.allSatisfy(\.isFinite) else { throw CalibrationError("calibration scores must be finite") }
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw CalibrationError("labels must be 0 or 1") }

        var groups: [(score: Double, positives: Double, weight: Double)] = []
        for (score, label) in zip(scores, labels).sorted(by: { $0.0 < $1.0 }) {
            if let last = groups.last, last.score == score {
                groups[groups.count - 1].positives += Double(label)
                groups[groups.count - 1].weight += 1
            } else {
                groups.append((score, Double(label), 1))
            }
        }
        guard groups.count <= VennAbersCalibrator.maxDistinctScores else {
            throw CalibrationError(
                "\(groups.count) distinct calibration scores, at most \(VennAbersCalibrator.maxDistinctScores)")
        }
        var fitter = IsotonicGapFitter(
            positives: groups.map(\.positives), weights: groups.map(\.weight))
        self.scores = groups.map(\.score)
        self.lower = (0...groups.count).map { fitter.fit(gap: $0, label: 0) }
        self.upper = (0...groups.count).map { fitter.fit(gap: $0, label: 1) }
        self.calibrationSize = scores.count
    }

    /// A NaN score gets the widest interval (the outermost gaps). p0 uses the gap after all scores <= `score` (a tie pools with the equal score, which for label 0 is
    /// the same as sitting just after it); p1 the gap before all scores >= `score`.
    public func calibrate(_ score: Double) -> CalibratedProbability {
        guard !score.isNaN else { return CalibratedProbability(lower: lower[0], upper: upper[scores.count]) }
        return CalibratedProbability(
            lower: lower[insertionIndex(score, includingEqual: true)],
            upper: upper[insertionIndex(score, includingEqual: false)])
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
