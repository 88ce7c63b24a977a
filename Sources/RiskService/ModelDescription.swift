import JSON
import Registry
import RiskCore
import TimeFormat

/// The JSON an operator sees at `GET /v1/models/{name}`: versions and their states, aliases, and what
/// the serving version expects as input.
enum ModelDescription {
    static func summary(_ entry: ModelEntry) -> JSONValue {
        var object: JSONObject = ["name": .string(entry.name)]
        object.append("serving_version", entry.serving.map { .string(String($0.version)) } ?? .null)
        object.append("aliases", entry.aliases.json)
        object.append("versions", .array(entry.statuses.keys.sorted().compactMap { entry.statuses[$0].map(status) }))
        return .object(object)
    }

    static func detail(_ entry: ModelEntry, tiers: TierPolicy?) -> JSONValue {
        guard case .object(var object) = summary(entry) else { return .null }
        guard let serving = entry.serving else { return .object(object) }
        let manifest = serving.manifest
        let specs = Dictionary(manifest.features.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let features: [JSONValue] = serving.featureNames.map { name in
            var feature: JSONObject = ["name": .string(name)]
            if let spec = specs[name] {
                feature.append("metric", .string(spec.metric))
                feature.append("aggregation", .string(spec.aggregation.rawValue))
                feature.append("window_seconds", .number(spec.windowSeconds))
            }
            if let range = manifest.trainingRange[name] {
                feature.append("training_range", ["min": .number(range.lowerBound), "max": .number(range.upperBound)])
            }
            return .object(feature)
        }
        var model: JSONObject = [
            "version": .string(String(serving.version)),
            "kind": .string(serving.model.kindDescription),
            "task": .string(serving.model.task.rawValue),
            "artifact": .string(serving.artifactFile),
            "sha256": .string(serving.artifactSHA256),
            "calibrated": .bool(serving.calibrator != nil),
            "calibration_size": .number(Double(serving.calibrator?.calibrationSize ?? 0)),
            "min_feature_fraction": .number(manifest.minFeatureFraction),
            "tiers": (tiers ?? TierPolicy().overridden(by: manifest.tiers)).json,
            "has_fallback": .bool(manifest.fallback != nil),
            "features": .array(features),
        ]
        if let description = manifest.description { model.append("description", .string(description)) }
        if let horizon = manifest.horizonSeconds { model.append("horizon_seconds", .number(horizon)) }
        if let lineage = manifest.lineage { model.append("lineage", .object(lineage)) }
        if serving.modelCard != nil {
            model.append("model_card", .string("/v1/models/\(entry.name)/versions/\(serving.version)/card"))
        }
        object.append("serving", .object(model))
        return .object(object)
    }

    static func status(_ status: VersionStatus) -> JSONValue {
        var object: JSONObject = ["version": .string(String(status.version)), "state": .string(status.state.rawValue)]
        object.append("reason", status.reason.map(JSONValue.string) ?? .null)
        object.append("sha256", status.sha256.map(JSONValue.string) ?? .null)
        object.append(
            "loaded_at", status.loadedAt.map { .string(UTCDateTime(unixSeconds: $0).rfc3339) } ?? .null)
        return .object(object)
    }
}
