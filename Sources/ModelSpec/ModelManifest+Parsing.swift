import Features
import Inference
import JSON

/// Why a manifest was refused; the message names the offending key.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension ModelManifest {
    /// Parses and validates `manifest.json`.
    public init(parsing bytes: [UInt8]) throws(ManifestError) {
        do {
            let root = try JSONParser().parse(bytes).object(at: "")
            try self.init(root)
        } catch let error as JSONParseError {
            throw ManifestError(message: "manifest.json is not valid JSON: \(error)")
        } catch let error as JSONDecodingError {
            throw ManifestError(message: "manifest.json: \(error)")
        } catch let error as ManifestError {
            throw error
        } catch {
            throw ManifestError(message: "manifest.json: \(error)")
        }
    }

    private init(_ root: JSONObject) throws {
        self.init()
        description = try root.optional("description")?.string(at: "description")
        if let task = try root.optional("task")?.string(at: "task") {
            guard let parsed = ModelTask(rawValue: task) else { throw invalid("task", "unknown task \"\(task)\"") }
            self.task = parsed
        }
        horizonSeconds = try root.optional("horizon_seconds")?.double(at: "horizon_seconds")
        if let artifact = try root.optional("artifact")?.object(at: "artifact") {
            self.artifact = try Self.artifact(artifact)
        }
        if let features = try root.optional("features")?.array(at: "features") {
            self.features = try Self.features(features)
        }
        if let fraction = try root.optional("min_feature_fraction")?.double(at: "min_feature_fraction") {
            guard (0...1).contains(fraction) else { throw invalid("min_feature_fraction", "must be within 0...1") }
            minFeatureFraction = fraction
        }
        if let calibration = try root.optional("calibration")?.object(at: "calibration") {
            self.calibration = try Self.calibration(calibration)
        }
        if let ranges = try root.optional("training_range")?.object(at: "training_range") {
            for (name, value) in ranges {
                let path = "training_range.\(name)"
                let range = try value.object(at: path)
                let low = try range.require("min", at: path).double(at: path + ".min")
                let high = try range.require("max", at: path).double(at: path + ".max")
                guard low <= high else { throw invalid(path, "min exceeds max") }
                trainingRange[name] = low...high
            }
        }
        if let reference = try root.optional("reference")?.object(at: "reference") {
            self.reference = try Self.reference(reference)
        }
        if let tiers = try root.optional("tiers")?.object(at: "tiers") {
            self.tiers = try TierThresholds(parsing: tiers, at: "tiers")
        }
        if let fallback = try root.optional("fallback")?.object(at: "fallback") {
            self.fallback = try Self.fallback(fallback)
        }
        lineage = try root.optional("lineage")?.object(at: "lineage")
        if let drift = try root.optional("drift")?.object(at: "drift") {
            self.drift = try Self.drift(drift)
        }
        if let card = try root.optional("model_card")?.string(at: "model_card") {
            guard !card.isEmpty, !card.contains("/"), card != "..", card != "." else {
                throw invalid("model_card", "must be a plain file name")
            }
            modelCard = card
        }
    }

    private static func artifact(_ object: JSONObject) throws -> ArtifactReference {
        var reference = ArtifactReference()
        reference.file = try object.optional("file")?.string(at: "artifact.file")
        if let format = try object.optional("format")?.string(at: "artifact.format") {
            guard let parsed = ModelFormat(rawValue: format) else {
                throw invalid("artifact.format", "unknown format \"\(format)\"")
            }
            reference.format = parsed
        }
        if let digest = try object.optional("sha256")?.string(at: "artifact.sha256") {
            let lowered = digest.lowercased()
            guard lowered.utf8.count == 64,
                lowered.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else { throw invalid("artifact.sha256", "must be 64 hexadecimal characters") }
            reference.sha256 = lowered
        }
        return reference
    }

    private static func features(_ elements: [JSONValue]) throws -> [FeatureSpec] {
        var specs: [FeatureSpec] = []
        var names: Set<String> = []
        for (index, element) in elements.enumerated() {
            let path = "features[\(index)]"
            let object = try element.object(at: path)
            let name = try object.require("name", at: path).string(at: path + ".name")
            guard names.insert(name).inserted else { throw invalid(path + ".name", "duplicate feature \"\(name)\"") }
            let metric = try object.optional("metric")?.string(at: path + ".metric") ?? name
            let aggregationName = try object.optional("aggregation")?.string(at: path + ".aggregation") ?? "last"
            guard let aggregation = Aggregation(rawValue: aggregationName) else {
                throw invalid(path + ".aggregation", "unknown aggregation \"\(aggregationName)\"")
            }
            let window = try object.optional("window_seconds")?.double(at: path + ".window_seconds") ?? 3600
            guard window > 0, window.isFinite else { throw invalid(path + ".window_seconds", "must be positive") }
            specs.append(FeatureSpec(name: name, metric: metric, aggregation: aggregation, windowSeconds: window))
        }
        return specs
    }

    private static func calibration(_ object: JSONObject) throws -> CalibrationData {
        let method = try object.optional("method")?.string(at: "calibration.method") ?? "venn_abers"
        guard method == "venn_abers" else { throw invalid("calibration.method", "only venn_abers is supported") }
        let scores = try object.require("scores", at: "calibration").doubles(at: "calibration.scores")
        let labels = try object.require("labels", at: "calibration").doubles(at: "calibration.labels")
        guard scores.count == labels.count else { throw invalid("calibration", "scores and labels differ in length") }
        guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else { throw invalid("calibration.labels", "must be 0 or 1") }
        guard scores.allSatisfy(\.isFinite) else { throw invalid("calibration.scores", "must be finite") }
        var data = CalibrationData(method: method, scores: scores, labels: labels.map { Int($0) })
        data.options.negativeWeight = try positive(object, "negative_weight") ?? 1
        data.options.scoreGrid = try positive(object, "score_grid")
        if let interval = try object.optional("interval")?.object(at: "calibration.interval") {
            let method = try interval.optional("method")?.string(at: "calibration.interval.method") ?? "wilson"
            guard method == "wilson" else { throw invalid("calibration.interval.method", "only wilson is supported") }
            data.options.intervalZ = try positive(interval, "z", at: "calibration.interval")
            guard data.options.intervalZ != nil else { throw invalid("calibration.interval.z", "is required") }
            let designEffect = try positive(interval, "design_effect", at: "calibration.interval") ?? 1
            guard designEffect >= 1 else { throw invalid("calibration.interval.design_effect", "must be >= 1") }
            data.options.designEffect = designEffect
        }
        return data
    }

    /// An optional key that must be a positive finite number.
    private static func positive(_ object: JSONObject, _ key: String, at parent: String = "calibration") throws
        -> Double?
    {
        let path = parent + "." + key
        guard let value = try object.optional(key)?.double(at: path) else { return nil }
        guard value > 0, value.isFinite else { throw invalid(path, "must be positive and finite") }
        return value
    }

    private static func reference(_ object: JSONObject) throws -> ReferenceDistributions {
        var features: [String: ReferenceDistribution] = [:]
        if let perFeature = try object.optional("features")?.object(at: "reference.features") {
            for (name, value) in perFeature {
                features[name] = try ReferenceDistribution(json: value, at: "reference.features.\(name)")
            }
        }
        let score = try object.optional("score").map { value throws in
            try ReferenceDistribution(json: value, at: "reference.score")
        }
        return ReferenceDistributions(features: features, score: score)
    }

    private static func drift(_ object: JSONObject) throws -> DriftThresholds {
        let minSamples = try object.optional("min_samples")?.int(at: "drift.min_samples")
        if let minSamples, minSamples < 1 { throw invalid("drift.min_samples", "must be at least 1") }
        var features: [String: FeatureLimits] = [:]
        for (name, value) in try object.optional("features")?.object(at: "drift.features") ?? [:] {
            let path = "drift.features.\(name)"
            let limits = try value.object(at: path)
            let psi = try limits.optional("psi")?.double(at: path + ".psi")
            let shift = try limits.optional("mean_shift_percent")?.double(at: path + ".mean_shift_percent")
            for (key, limit) in [("psi", psi), ("mean_shift_percent", shift)] {
                if let limit, !(limit > 0 && limit.isFinite) { throw invalid(path + "." + key, "must be positive") }
            }
            features[name] = FeatureLimits(psi: psi, meanShiftPercent: shift)
        }
        return DriftThresholds(minSamples: minSamples, features: features)
    }

    private static func fallback(_ object: JSONObject) throws -> FallbackPolicy {
        var rules: [FallbackRule] = []
        for (index, element) in (try object.optional("rules")?.array(at: "fallback.rules") ?? []).enumerated() {
            let path = "fallback.rules[\(index)]"
            let rule = try element.object(at: path)
            let op = try rule.require("op", at: path).string(at: path + ".op")
            guard let comparison = FallbackRule.Comparison(rawValue: op) else {
                throw invalid(path + ".op", "unknown comparison \"\(op)\"")
            }
            let risk = try rule.require("risk", at: path).double(at: path + ".risk")
            guard (0...1).contains(risk) else { throw invalid(path + ".risk", "must be within 0...1") }
            rules.append(
                FallbackRule(
                    feature: try rule.require("feature", at: path).string(at: path + ".feature"),
                    comparison: comparison, value: try rule.require("value", at: path).double(at: path + ".value"),
                    risk: risk, reason: try rule.optional("reason")?.string(at: path + ".reason")))
        }
        let defaultRisk = try object.optional("default_risk")?.double(at: "fallback.default_risk")
        if let defaultRisk, !(0...1).contains(defaultRisk) {
            throw invalid("fallback.default_risk", "must be within 0...1")
        }
        return FallbackPolicy(rules: rules, defaultRisk: defaultRisk)
    }
}

extension ModelManifest.TierThresholds {
    /// `{"l1": {"risk": 0.3}, "l3": {"lower": 0.6}}`, each tier optional: the shape shared by the manifest's
    /// `tiers` and the policy file's `tiers`, so both are read by this one parser.
    public init(parsing object: JSONObject, at path: String) throws(JSONDecodingError) {
        let l1 = try object.optional("l1")?.object(at: path + ".l1")
        let l3 = try object.optional("l3")?.object(at: path + ".l3")
        self.init(
            l1Risk: try l1?.require("risk", at: path + ".l1").double(at: path + ".l1.risk"),
            l3Lower: try l3?.require("lower", at: path + ".l3").double(at: path + ".l3.lower"))
        for threshold in [l1Risk, l3Lower] {
            if let threshold, !(0...1).contains(threshold) {
                throw JSONDecodingError(path: path, message: "thresholds must be within 0...1")
            }
        }
    }
}

private func invalid(_ path: String, _ message: String) -> ManifestError {
    ManifestError(message: "manifest.json: \(path): \(message)")
}
