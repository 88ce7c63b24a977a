import JSON

/// One model whose features are PromQL expressions instead of riskd's own telemetry windows: the
/// operator's declaration (policy file, `prometheus_sources`), parsed and checked strictly so that a typo
/// stops start-up (and `riskd check-config`) instead of silently scoring every entity with a missing feature.
///
/// ```json
/// {"model": "disk-failure", "entity_label": "instance", "interval_seconds": 60,
///  "features": {"smart_5_raw": "max_over_time(smartctl_device_attribute{attribute_id=\"5\"}[1h])"}}
/// ```
public struct PrometheusFeatureSource: Sendable, Equatable {
    /// One declared feature: the model's feature name and the instant query that computes it.
    public struct Feature: Sendable, Equatable {
        public let name: String
        public let query: String

        public init(name: String, query: String) {
            self.name = name
            self.query = query
        }
    }

    public let model: String
    /// The series label whose value names the entity (`instance`, `device`, `pod`, ...).
    public let entityLabel: String
    public let intervalSeconds: Double
    /// In declaration order.
    public let features: [Feature]

    /// Shortest and longest evaluation interval accepted (seconds).
    public static let intervalBounds: ClosedRange<Double> = 1...86_400
    /// A longer query is almost certainly a templating accident.
    public static let maxQueryBytes = 16_384
    public static let maxFeatures = 1_000

    public init(model: String, entityLabel: String, intervalSeconds: Double, features: [Feature]) {
        self.model = model
        self.entityLabel = entityLabel
        self.intervalSeconds = intervalSeconds
        self.features = features
    }

    /// Parses `prometheus_sources` (an array of source objects); every error names its path.
    public static func parseList(_ value: JSONValue, at path: String) throws(JSONDecodingError) -> [Self] {
        var sources: [Self] = []
        for (index, element) in try value.array(at: path).enumerated() {
            let source = try Self(parsing: try element.object(at: "\(path)[\(index)]"), at: "\(path)[\(index)]")
            if sources.contains(where: { $0.model == source.model }) {
                throw JSONDecodingError(
                    path: "\(path)[\(index)].model",
                    message: "model \"\(source.model)\" already has a Prometheus source; declare each model once")
            }
            sources.append(source)
        }
        return sources
    }

    /// One source object; unknown keys are rejected (a misspelt `interval_second` must not pass).
    public init(parsing object: JSONObject, at path: String) throws(JSONDecodingError) {
        let known: Set = ["model", "entity_label", "interval_seconds", "features"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw JSONDecodingError(
                path: JSONObject.join(path, unknown),
                message: "unknown key (expected model, entity_label, interval_seconds, features)")
        }
        model = try object.require("model", at: path).string(at: path + ".model")
        guard !model.isEmpty else { throw JSONDecodingError(path: path + ".model", message: "must not be empty") }
        entityLabel = try object.require("entity_label", at: path).string(at: path + ".entity_label")
        guard Self.isLabelName(entityLabel) else {
            throw JSONDecodingError(
                path: path + ".entity_label",
                message: "\"\(entityLabel)\" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not __reserved)")
        }
        intervalSeconds = try object.require("interval_seconds", at: path).double(at: path + ".interval_seconds")
        guard Self.intervalBounds.contains(intervalSeconds) else {
            throw JSONDecodingError(
                path: path + ".interval_seconds",
                message: "expected \(Int(Self.intervalBounds.lowerBound))...\(Int(Self.intervalBounds.upperBound)) "
                    + "seconds, got \(intervalSeconds)")
        }
        let declared = try object.require("features", at: path).object(at: path + ".features")
        guard !declared.isEmpty, declared.count <= Self.maxFeatures else {
            throw JSONDecodingError(path: path + ".features", message: "expected 1...\(Self.maxFeatures) features")
        }
        var features: [Feature] = []
        for (name, value) in declared {
            let featurePath = path + ".features." + name
            let query = try value.string(at: featurePath)
            guard !name.isEmpty else { throw JSONDecodingError(path: featurePath, message: "empty feature name") }
            guard !query.allSatisfy(\.isWhitespace), query.utf8.count <= Self.maxQueryBytes else {
                throw JSONDecodingError(
                    path: featurePath, message: "expected a PromQL expression of 1...\(Self.maxQueryBytes) bytes")
            }
            guard !features.contains(where: { $0.name == name }) else {
                throw JSONDecodingError(path: featurePath, message: "declared twice")
            }
            features.append(Feature(name: name, query: query))
        }
        self.features = features
    }

    /// Checks the declared features against the model's: every declared name must be one of them.
    /// Features the model has but the source does not declare are always missing values.
    public func validate(modelFeatures: [String], at path: String) throws(JSONDecodingError) {
        let known = Set(modelFeatures)
        for feature in features where !known.contains(feature.name) {
            let listed = modelFeatures.prefix(20).joined(separator: ", ") + (modelFeatures.count > 20 ? ", …" : "")
            throw JSONDecodingError(
                path: path + ".features." + feature.name,
                message: "model \"\(model)\" has no feature \"\(feature.name)\" (its features: \(listed))")
        }
    }

    /// Model features this source leaves undeclared (always missing when it scores).
    public func undeclared(modelFeatures: [String]) -> [String] {
        let declared = Set(features.map(\.name))
        return modelFeatures.filter { !declared.contains($0) }
    }

    /// Prometheus's label-name grammar; names starting with `__` are reserved for internal use.
    static func isLabelName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, !name.hasPrefix("__") else { return false }
        let isLetter: (UInt8) -> Bool = { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
        return isLetter(first) && bytes.dropFirst().allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }
}
