import Foundation

/// One block of the isotonic fit: positive / negative weight and positive / negative row counts. The
/// weights give the population estimate, the row counts its binomial uncertainty.
struct CalibrationCell: Sendable, Equatable {
    var positiveWeight: Double
    var negativeWeight: Double
    var positiveRows: Double
    var negativeRows: Double

    var rate: Double { positiveWeight / (positiveWeight + negativeWeight) }

    static func + (a: CalibrationCell, b: CalibrationCell) -> CalibrationCell {
        CalibrationCell(
            positiveWeight: a.positiveWeight + b.positiveWeight, negativeWeight: a.negativeWeight + b.negativeWeight,
            positiveRows: a.positiveRows + b.positiveRows, negativeRows: a.negativeRows + b.negativeRows)
    }

    /// Wilson score bound at `z` on the row counts divided by `designEffect`, mapped to the population
    /// scale by the cell's mean weights: r → r·a / (r·a + (1 − r)·b).
    func bound(z: Double, designEffect: Double, lower: Bool) -> Double {
        let k = positiveRows / designEffect
        let n = (positiveRows + negativeRows) / designEffect
        var r = lower ? 0.0 : 1.0
        if n > 0 {
            let p = k / n
            let z2 = z * z
            let denominator = 1 + z2 / n
            let centre = p + z2 / (2 * n)
            let spread = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
            r = lower ? max(0, (centre - spread) / denominator) : min(1, (centre + spread) / denominator)
        }
        let a = positiveRows > 0 ? positiveWeight / positiveRows : 1
        let b = negativeRows > 0 ? negativeWeight / negativeRows : 1
        let numerator = r * a
        let total = numerator + (1 - r) * b
        return total > 0 ? numerator / total : 0
    }
}
