import Crypto
import Foundation
import Inference
import JSON
import ModelSpec

/// One loaded, verified model version: the compiled artifact, its manifest, and the calibration
/// precomputed from it. Immutable, so a request that picked it up keeps using it even if the registry
/// unloads or replaces the version meanwhile.
public final class ServableModel: Sendable {
    public let name: String
    public let version: Int
    public let model: Model
    public let manifest: ModelManifest
    public let calibrator: VennAbersCalibrator?
    /// Feature names in the order the model consumes them.
    public let featureNames: [String]
    public let featureIndex: [String: Int]
    /// The feature names as JSON keys, for decoding request bodies that name them in order.
    public let featureKeys: JSONKeyTable
    public let artifactFile: String
    public let artifactSHA256: String
    public let loadedAt: Double
    /// The model card's markdown when the manifest names one (`model_card`).
    public let modelCard: String?

    init(
        name: String, version: Int, model: Model, manifest: ModelManifest, calibrator: VennAbersCalibrator?,
        featureNames: [String], artifactFile: String, artifactSHA256: String, loadedAt: Double, modelCard: String?
    ) {
        self.name = name
        self.version = version
        self.model = model
        self.manifest = manifest
        self.calibrator = calibrator
        self.featureNames = featureNames
        self.featureIndex = Dictionary(featureNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        self.featureKeys = JSONKeyTable(featureNames)
        self.artifactFile = artifactFile
        self.artifactSHA256 = artifactSHA256
        self.loadedAt = loadedAt
        self.modelCard = modelCard
    }
}

/// Why a version could not be loaded; shown in the model status and logged.
public struct ModelVersionLoadError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public var description: String { message }
}

/// Reads, verifies and compiles one version directory. Runs off the hot path (poll thread or admin worker).
/// Public so that `riskd model validate` loads a version exactly as the server does.
public enum ModelVersionLoader {
    public static let maxArtifactBytes = 512 << 20
    public static let maxManifestBytes = 64 << 20
    static let maxModelCardBytes = 1 << 20

    /// The manifest alone, so a version whose artifact is broken can still offer its fallback rules.
    public static func manifest(in directory: String) throws(ModelVersionLoadError) -> ModelManifest {
        let path = directory + "/manifest.json"
        guard FileManager.default.fileExists(atPath: path) else { return ModelManifest() }
        let bytes = try read(path, limit: maxManifestBytes)
        do {
            return try ModelManifest(parsing: bytes)
        } catch {
            throw ModelVersionLoadError(message: error.description)
        }
    }

    public static func load(name: String, version: Int, directory: String, now: Double)
        throws(ModelVersionLoadError)
        -> ServableModel
    {
        let manifest = try manifest(in: directory)
        let (file, format) = try artifact(in: directory, manifest: manifest)
        let bytes = try read(directory + "/" + file, limit: maxArtifactBytes)
        let digest = Hex.encode(Digest.sha256(bytes))
        if let expected = manifest.artifact?.sha256, expected != digest {
            throw ModelVersionLoadError(message: "\(file): SHA-256 is \(digest), manifest expects \(expected)")
        }
        let model: Model
        do {
            model = try ModelLoader.load(bytes, format: format)
        } catch {
            throw ModelVersionLoadError(message: "\(file): \(error)")
        }
        if let task = manifest.task, task != model.task {
            throw ModelVersionLoadError(
                message: "manifest declares task \(task.rawValue) but the artifact is \(model.task.rawValue)")
        }
        let featureNames = try featureNames(model: model, manifest: manifest)
        var calibrator: VennAbersCalibrator?
        if let calibration = manifest.calibration {
            do {
                calibrator = try VennAbersCalibrator(
                    scores: calibration.scores, labels: calibration.labels, options: calibration.options)
            } catch {
                throw ModelVersionLoadError(message: "manifest.json: calibration: \(error)")
            }
        }
        let card = try manifest.modelCard.map { (file) throws(ModelVersionLoadError) in
            String(decoding: try read(directory + "/" + file, limit: maxModelCardBytes), as: UTF8.self)
        }
        return ServableModel(
            name: name, version: version, model: model, manifest: manifest, calibrator: calibrator,
            featureNames: featureNames, artifactFile: file, artifactSHA256: digest, loadedAt: now, modelCard: card)
    }

    /// The artifact file: the one the manifest names, else exactly one of the standard file names.
    public static func artifact(in directory: String, manifest: ModelManifest) throws(ModelVersionLoadError) -> (
        String, ModelFormat
    ) {
        if let file = manifest.artifact?.file {
            guard !file.contains("/"), file != "..", file != "." else {
                throw ModelVersionLoadError(message: "manifest.json: artifact.file must be a plain file name")
            }
            guard let format = manifest.artifact?.format ?? ModelFormat(fileName: file) else {
                throw ModelVersionLoadError(message: "manifest.json: artifact.format is needed for \(file)")
            }
            return (file, format)
        }
        let present = ModelFormat.allCases.filter {
            FileManager.default.fileExists(atPath: directory + "/" + $0.fileName)
        }
        guard present.count == 1, let format = present.first else {
            let names = ModelFormat.allCases.map(\.fileName).joined(separator: ", ")
            throw ModelVersionLoadError(
                message: present.isEmpty
                    ? "no artifact (expected one of \(names))"
                    : "several artifacts (\(present.map(\.fileName).joined(separator: ", "))); name one in manifest.json"
            )
        }
        return (format.fileName, format)
    }

    /// The model's own feature names win; a manifest feature list must agree with them in order.
    static func featureNames(model: Model, manifest: ModelManifest) throws(ModelVersionLoadError) -> [String] {
        let declared = manifest.features.map(\.name)
        guard !declared.isEmpty else { return model.featureNames }
        guard declared.count == model.featureCount else {
            throw ModelVersionLoadError(
                message: "manifest lists \(declared.count) features, the model takes \(model.featureCount)")
        }
        let generic = model.featureNames == (0..<model.featureCount).map { "f\($0)" }
        if !generic && declared != model.featureNames {
            let mismatch = zip(declared, model.featureNames).first { $0 != $1 }
            throw ModelVersionLoadError(
                message:
                    "manifest feature \"\(mismatch?.0 ?? "")\" does not match model feature \"\(mismatch?.1 ?? "")\"")
        }
        return declared
    }

    public static func read(_ path: String, limit: Int) throws(ModelVersionLoadError) -> [UInt8] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int
        else { throw ModelVersionLoadError(message: "cannot read \(path)") }
        guard size <= limit else { throw ModelVersionLoadError(message: "\(path) is larger than \(limit) bytes") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelVersionLoadError(message: "cannot read \(path)")
        }
        return [UInt8](data)
    }
}
