/// A linear model's parameters with standardisation and imputation folded into one pass per row, so a
/// logistic regression is served by the same `Model` API as the tree ensembles.
struct LinearModel: Sendable {
    let coefficients: [Double]
    let intercept: Double
    /// Subtracted from each feature before scaling (zeros when the artifact has no scaler).
    let mean: [Double]
    /// Each centred feature is divided by this (ones when the artifact has no scaler).
    let scale: [Double]
    /// The raw value used in place of a missing (NaN) feature.
    let imputation: [Double]

    func margin(_ features: UnsafeBufferPointer<Double>) -> Double {
        var sum = intercept
        for index in 0..<coefficients.count {
            var value = features[index]
            if value.isNaN { value = imputation[index] }
            sum += coefficients[index] * ((value - mean[index]) / scale[index])
        }
        return sum
    }

    var approximateMemoryBytes: Int { coefficients.count * 4 * MemoryLayout<Double>.stride }
}
