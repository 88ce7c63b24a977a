import JSON

/// The `reference` section of a model manifest: per-feature and score distributions from training, the
/// baseline a `DriftMonitor` compares live traffic against.
public struct ModelReference: Sendable, Equatable {
    public let features: [String: ReferenceDistribution]
    public let score: ReferenceDistribution?

    public init(features: [String: ReferenceDistribution], score: ReferenceDistribution?) {
        self.features = features
        self.score = score
    }

    /// Decodes `{"features": {name: distribution, ...}, "score": distribution?}` at `path`
    /// (e.g. `"reference"`); both keys are optional.
    public init(json: JSONValue, at path: String) throws(JSONDecodingError) {
        let object = try json.object(at: path)
        var features: [String: ReferenceDistribution] = [:]
        if let value = object.optional("features") {
            let featuresPath = JSONObject.join(path, "features")
            for (name, distribution) in try value.object(at: featuresPath) {
                features[name] = try ReferenceDistribution(json: distribution, at: JSONObject.join(featuresPath, name))
            }
        }
        var score: ReferenceDistribution?
        if let value = object.optional("score") {
            score = try ReferenceDistribution(json: value, at: JSONObject.join(path, "score"))
        }
        self.init(features: features, score: score)
    }
}
