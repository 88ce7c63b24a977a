import JSON

/// The training-time distribution of one feature (or of the score), stored in the model manifest under
/// `reference`, against which live traffic is compared to detect drift.
///
/// `edges` are k+1 increasing bin edges and `proportions` the k training proportions (PSI); `mean`/`std`
/// describe the training values (mean shift, EWMA limits) and are derived from the bins when the manifest
/// omits them; `sample` holds up to a few hundred raw training values for the Kolmogorov–Smirnov test.
public struct ReferenceDistribution: Sendable, Equatable {
    public let edges: [Double]
    public let proportions: [Double]
    public let mean: Double
    public let std: Double
    public let sample: [Double]

    public init(edges: [Double], proportions: [Double], mean: Double, std: Double, sample: [Double] = []) {
        self.edges = edges
        self.proportions = proportions
        self.mean = mean
        self.std = std
        self.sample = sample.sorted()
    }

    /// Decodes `{"edges", "proportions", "mean"?, "std"?, "sample"?}` at `path`, checking that the edges
    /// increase, that there is one non-negative proportion per bin, and that all numbers are finite.
    public init(json: JSONValue, at path: String) throws(JSONDecodingError) {
        let object = try json.object(at: path)
        let edges = try object.require("edges", at: path).doubles(at: JSONObject.join(path, "edges"))
        let proportions = try object.require("proportions", at: path).doubles(
            at: JSONObject.join(path, "proportions"))
        guard edges.count >= 2, edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw JSONDecodingError(
                path: JSONObject.join(path, "edges"), message: "must be at least 2 finite, strictly increasing numbers")
        }
        guard proportions.count == edges.count - 1, proportions.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw JSONDecodingError(
                path: JSONObject.join(path, "proportions"),
                message: "must hold \(edges.count - 1) non-negative numbers (one per bin)")
        }
        let centers = zip(edges, edges.dropFirst()).map { ($0 + $1) / 2 }
        let total = max(proportions.reduce(0, +), .leastNonzeroMagnitude)
        let binnedMean = zip(centers, proportions).map { $0 * $1 }.reduce(0, +) / total
        let mean = try object.optional("mean")?.double(at: JSONObject.join(path, "mean")) ?? binnedMean
        let binnedVariance = zip(centers, proportions).map { ($0 - mean) * ($0 - mean) * $1 }.reduce(0, +) / total
        let std =
            try object.optional("std")?.double(at: JSONObject.join(path, "std")) ?? binnedVariance.squareRoot()
        guard mean.isFinite, std.isFinite, std >= 0 else {
            throw JSONDecodingError(path: JSONObject.join(path, "std"), message: "mean and std must be finite, std ≥ 0")
        }
        let sample = try object.optional("sample")?.doubles(at: JSONObject.join(path, "sample")) ?? []
        self.init(edges: edges, proportions: proportions, mean: mean, std: std, sample: sample.filter(\.isFinite))
    }
}
