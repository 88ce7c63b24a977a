import Foundation

/// A model repository in a fresh temporary directory, laid out as riskd expects
/// (`<root>/<model>/<version>/...`), for tests that need real files to load, corrupt and swap.
public final class TemporaryModelRepository: Sendable {
    public let root: String

    public init() throws {
        root = NSTemporaryDirectory() + "riskd-models-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// A logistic-regression artifact in riskd's own format: risk = sigmoid(intercept + Σ wᵢ·xᵢ).
    public static func linearModel(features: [String], coefficients: [Double], intercept: Double) -> String {
        let names = features.map { "\"\($0)\"" }.joined(separator: ",")
        let weights = coefficients.map { "\($0)" }.joined(separator: ",")
        return """
            {"format":"riskd-json","format_version":1,"model_type":"linear","task":"binary",
             "feature_names":[\(names)],
             "linear":{"coefficients":[\(weights)],"intercept":\(intercept),"link":"logistic"}}
            """
    }

    /// Writes `<model>/<version>/<file>` (creating directories) and returns its path.
    @discardableResult
    public func write(_ model: String, version: Int, file: String, _ contents: String) throws -> String {
        let directory = "\(root)/\(model)/\(version)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + file
        // Write-then-rename, as deployment tools do, so a poller never sees a half-written file.
        let temporary = path + ".partial"
        try Data(contents.utf8).write(to: URL(fileURLWithPath: temporary))
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        return path
    }

    /// A linear model version over `features` with an optional manifest.
    public func addLinearVersion(
        _ model: String, version: Int, features: [String] = ["a", "b"], coefficients: [Double]? = nil,
        intercept: Double = 0, manifest: String? = nil
    ) throws {
        let weights = coefficients ?? features.indices.map { Double($0 + 1) }
        try write(
            model, version: version, file: "model.riskd.json",
            Self.linearModel(features: features, coefficients: weights, intercept: intercept))
        if let manifest { try write(model, version: version, file: "manifest.json", manifest) }
    }

    public func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: root + "/" + relativePath)
    }

    public func read(_ relativePath: String) -> String? {
        FileManager.default.contents(atPath: root + "/" + relativePath).map { String(decoding: $0, as: UTF8.self) }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }
}
