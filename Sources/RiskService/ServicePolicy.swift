import Foundation
import JSON
import Monitoring
import PrometheusSource
import RiskCore

/// The operator's policy file (`--config`): decisions that change with the organisation rather than
/// with the model — tier thresholds, which model scores telemetry, alert routing and suppression.
/// Thresholds here override the ones the training pipeline suggested in a model's manifest.
public struct ServicePolicy: Sendable {
    /// Thresholds for models without their own entry; nil keeps each manifest's suggestion.
    public var tiers: TierPolicy?
    public var modelTiers: [String: TierPolicy] = [:]
    /// Models that score ingested telemetry; empty: every serving model with a feature specification.
    public var telemetryModels: [String] = []
    /// Models whose features are PromQL expressions evaluated against `--prometheus-url`.
    public var prometheusSources: [PrometheusFeatureSource] = []
    /// The raw policy sections other components parse (alerting, suppression, drift).
    public var sections: JSONObject = [:]

    public init() {}

    public init(parsing bytes: [UInt8]) throws(ServiceConfiguration.Error) {
        do {
            let root = try JSONParser().parse(bytes).object(at: "")
            sections = root
            if let tiers = try root.optional("tiers")?.object(at: "tiers") {
                self.tiers = try TierPolicy(parsing: tiers, at: "tiers", defaults: TierPolicy())
            }
            if let models = try root.optional("models")?.object(at: "models") {
                for (name, value) in models {
                    let path = "models.\(name)"
                    guard let tiers = try value.object(at: path).optional("tiers") else { continue }
                    modelTiers[name] = try TierPolicy(
                        parsing: try tiers.object(at: path + ".tiers"), at: path + ".tiers",
                        defaults: self.tiers ?? TierPolicy())
                }
            }
            if let names = try root.optional("telemetry_models")?.strings(at: "telemetry_models") {
                telemetryModels = names
            }
            if let sources = root.optional("prometheus_sources") {
                prometheusSources = try PrometheusFeatureSource.parseList(sources, at: "prometheus_sources")
            }
        } catch {
            throw ServiceConfiguration.Error(description: "policy file: \(error)")
        }
    }

    /// `"retraining": {"psi": 0.2, "mean_shift_percent": 10, "ewma": false, "min_samples": 200,
    /// "cooldown_seconds": 86400, "webhook_url": "..."}` — when drift should ask for a new model.
    func retrainingPolicy() throws(ServiceConfiguration.Error) -> RetrainingTriggerPolicy {
        var result = RetrainingTriggerPolicy()
        guard let value = sections["retraining"] else { return result }
        do {
            let object = try value.object(at: "retraining")
            if let psi = try object.optional("psi")?.double(at: "retraining.psi") { result.psiThreshold = psi }
            if let shift = try object.optional("mean_shift_percent")?.double(at: "retraining.mean_shift_percent") {
                result.meanShiftPercentThreshold = shift
            }
            if let ewma = try object.optional("ewma")?.bool(at: "retraining.ewma") { result.fireOnEWMA = ewma }
            if let samples = try object.optional("min_samples")?.int(at: "retraining.min_samples") {
                result.minSamples = samples
            }
            if let cooldown = try object.optional("cooldown_seconds")?.double(at: "retraining.cooldown_seconds") {
                result.cooldownSeconds = cooldown
            }
        } catch {
            throw ServiceConfiguration.Error(description: "policy file: \(error)")
        }
        return result
    }

    /// Checks each Prometheus source against its model's features (`features(model)` is nil when the
    /// repository has no loaded version of it): a declared feature the model lacks is an error.
    public func validatePrometheusSources(features: (String) -> [String]?) throws(ServiceConfiguration.Error) {
        for (index, source) in prometheusSources.enumerated() {
            let path = "prometheus_sources[\(index)]"
            guard let names = features(source.model) else {
                throw ServiceConfiguration.Error(
                    description: "policy file: \(path).model: no loaded model \"\(source.model)\" in the repository")
            }
            do {
                try source.validate(modelFeatures: names, at: path)
            } catch {
                throw ServiceConfiguration.Error(description: "policy file: \(error)")
            }
        }
    }

    static func load(path: String?) throws(ServiceConfiguration.Error) -> ServicePolicy {
        guard let path else { return ServicePolicy() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceConfiguration.Error(description: "policy file \(path) cannot be read")
        }
        return try ServicePolicy(parsing: [UInt8](data))
    }
}
