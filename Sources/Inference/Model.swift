/// An immutable, loaded model: flat arrays, safe to share across threads, no allocation per row. One type
/// serves every supported format so the registry and the risk service never care where a model came from.
public final class Model: Sendable {
    /// The evaluation strategy behind the public API.
    enum Body: Sendable {
        case trees(TreeEnsemble)
        case linear(LinearModel)
    }

    public let format: ModelFormat
    public let task: ModelTask
    public let featureNames: [String]
    public let outputCount: Int
    public let treeCount: Int
    /// What the artifact said it is, e.g. "binary:logistic" or "logistic regression".
    let objectiveDescription: String
    let body: Body
    let transform: OutputTransform

    init(
        format: ModelFormat, task: ModelTask, featureNames: [String], outputCount: Int,
        objectiveDescription: String, body: Body, transform: OutputTransform
    ) {
        self.format = format
        self.task = task
        self.featureNames = featureNames
        self.outputCount = outputCount
        self.objectiveDescription = objectiveDescription
        self.body = body
        self.transform = transform
        if case .trees(let ensemble) = body { treeCount = ensemble.treeRoot.count } else { treeCount = 0 }
    }

    public var featureCount: Int { featureNames.count }

    public var kindDescription: String {
        let trees = treeCount == 0 ? "" : ", \(treeCount) trees"
        return "\(format.rawValue) \(objectiveDescription)\(trees)"
    }

    public var approximateMemoryBytes: Int {
        let names = featureNames.reduce(0) { $0 + $1.utf8.count + 16 }
        switch body {
        case .trees(let ensemble): return 256 + names + ensemble.approximateMemoryBytes
        case .linear(let linear): return 256 + names + linear.approximateMemoryBytes
        }
    }

    /// Raw margins (before the sigmoid/softmax) for one row.
    public func predictMargin(
        _ features: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>
    ) {
        predictMargins(rows: features, rowCount: 1, into: output)
    }

    /// Predicts one row: `outputCount` transformed values (probability, class probabilities or value).
    public func predict(_ features: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        predictMargin(features, into: output)
        transform.apply(UnsafeMutableBufferPointer(rebasing: output[0..<outputCount]))
    }

    /// Convenience for tests and one-off calls; allocates.
    public func predict(_ features: [Double]) -> [Double] {
        var output = [Double](repeating: 0, count: outputCount)
        features.withUnsafeBufferPointer { row in
            output.withUnsafeMutableBufferPointer { predict(row, into: $0) }
        }
        return output
    }

    /// Margins as an array; convenience for tests and calibration.
    public func predictMargin(_ features: [Double]) -> [Double] {
        var output = [Double](repeating: 0, count: outputCount)
        features.withUnsafeBufferPointer { row in
            output.withUnsafeMutableBufferPointer { predictMargin(row, into: $0) }
        }
        return output
    }

    /// Scores a whole batch in one call: the engine's fast path, which walks blocks of rows tree by tree.
    ///
    /// - Parameters:
    ///   - rows: row-major feature matrix, `rowCount × featureCount` values in `featureNames` order; NaN is a
    ///     missing value (trees take their default branch).
    ///   - rowCount: number of rows; 0 is allowed and writes nothing.
    ///   - output: receives `rowCount × outputCount` transformed values, row-major (for a binary model, one
    ///     probability per row). XGBoost models are evaluated exactly as xgboost does (float32 features,
    ///     thresholds and leaf sums, float32 sigmoid), so each value equals xgboost's own prediction widened to
    ///     Double; LightGBM and riskd-json models keep double precision.
    ///
    /// Thread-safe; scratch space is per call and fixed-size (no allocation per row).
    public func predict(
        rows: UnsafeBufferPointer<Double>, rowCount: Int, into output: UnsafeMutableBufferPointer<Double>
    ) {
        predictMargins(rows: rows, rowCount: rowCount, into: output)
        for row in 0..<rowCount {
            transform.apply(
                UnsafeMutableBufferPointer(rebasing: output[(row * outputCount)..<((row + 1) * outputCount)]))
        }
    }

    /// Raw margins (before the sigmoid/softmax) for a row-major batch; same layout rules as
    /// `predict(rows:rowCount:into:)`.
    public func predictMargins(
        rows: UnsafeBufferPointer<Double>, rowCount: Int, into output: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(
            rowCount >= 0 && rows.count >= rowCount * featureCount && output.count >= rowCount * outputCount,
            "buffer too small")
        switch body {
        case .trees(let ensemble):
            ensemble.margins(rows: rows, rowCount: rowCount, featureCount: featureCount, into: output)
        case .linear(let linear):
            for row in 0..<rowCount {
                output[row] = linear.margin(
                    UnsafeBufferPointer(rebasing: rows[(row * featureCount)..<((row + 1) * featureCount)]))
            }
        }
    }
}
