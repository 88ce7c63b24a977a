import JSON

/// Reads riskd's own artifact format (written by training/riskd_export.py) for models the training
/// libraries cannot save natively: scikit-learn linear models and random forests.
enum RiskdJSONLoader {
    static func load(_ document: JSONValue) throws(ModelLoadError) -> Model {
        let root = try decoding { () throws(JSONDecodingError) in try document.object(at: "") }
        let header = try decoding { () throws(JSONDecodingError) in
            (
                format: try root.require("format", at: "").string(at: "format"),
                version: try root.require("format_version", at: "").int(at: "format_version"),
                modelType: try root.require("model_type", at: "").string(at: "model_type"),
                task: try root.require("task", at: "").string(at: "task"),
                names: try root.require("feature_names", at: "").strings(at: "feature_names")
            )
        }
        guard header.format == "riskd-json", header.version == 1 else {
            throw ModelLoadError("format: expected riskd-json version 1, got \(header.format) \(header.version)")
        }
        guard let task = ModelTask(rawValue: header.task), task != .multiclass else {
            throw ModelLoadError("task: unsupported \"\(header.task)\"")
        }
        guard !header.names.isEmpty else { throw ModelLoadError("feature_names: must not be empty") }
        switch header.modelType {
        case "linear":
            let section = try decoding { () throws(JSONDecodingError) in
                try root.require("linear", at: "").object(at: "linear")
            }
            let (linear, link) = try linearModel(section, featureCount: header.names.count)
            if task == .binaryClassification && link != "logistic" {
                throw ModelLoadError("linear.link: a binary model needs the logistic link")
            }
            return Model(
                format: .riskdJSON, task: task, featureNames: header.names, outputCount: 1,
                objectiveDescription: "linear \(link)", body: .linear(linear),
                transform: link == "logistic" ? .sigmoid(alpha: 1) : .identity)
        case "forest":
            let section = try decoding { () throws(JSONDecodingError) in
                try root.require("forest", at: "").object(at: "forest")
            }
            let ensemble = try RiskdForestReader.read(section, featureCount: header.names.count)
            return Model(
                format: .riskdJSON, task: task, featureNames: header.names, outputCount: 1,
                objectiveDescription: "forest \(header.task)", body: .trees(ensemble), transform: .identity)
        default:
            throw ModelLoadError("model_type: unsupported \"\(header.modelType)\"")
        }
    }

    private static func linearModel(
        _ section: JSONObject, featureCount: Int
    ) throws(ModelLoadError) -> (LinearModel, String) {
        let fields = try decoding { () throws(JSONDecodingError) in
            let scaler = try section.optional("scaler")?.object(at: "linear.scaler")
            return (
                coefficients: try section.require("coefficients", at: "linear").doubles(at: "linear.coefficients"),
                intercept: try section.require("intercept", at: "linear").double(at: "linear.intercept"),
                link: try section.require("link", at: "linear").string(at: "linear.link"),
                mean: try scaler?.require("mean", at: "linear.scaler").doubles(at: "linear.scaler.mean"),
                scale: try scaler?.require("scale", at: "linear.scaler").doubles(at: "linear.scaler.scale"),
                imputation: try section.optional("imputation")?.doubles(at: "linear.imputation")
            )
        }
        guard fields.link == "logistic" || fields.link == "identity" else {
            throw ModelLoadError("linear.link: unsupported \"\(fields.link)\"")
        }
        let mean = fields.mean ?? [Double](repeating: 0, count: featureCount)
        let scale = fields.scale ?? [Double](repeating: 1, count: featureCount)
        let imputation = fields.imputation ?? mean
        for (name, values) in [
            ("coefficients", fields.coefficients), ("scaler.mean", mean), ("scaler.scale", scale),
            ("imputation", imputation),
        ] {
            guard values.count == featureCount else {
                throw ModelLoadError("linear.\(name): has \(values.count) values, model has \(featureCount) features")
            }
        }
        guard scale.allSatisfy({ $0 != 0 && $0.isFinite }) else {
            throw ModelLoadError("linear.scaler.scale: values must be finite and non-zero")
        }
        return (
            LinearModel(
                coefficients: fields.coefficients, intercept: fields.intercept, mean: mean, scale: scale,
                imputation: imputation),
            fields.link
        )
    }
}
