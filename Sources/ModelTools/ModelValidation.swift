import Crypto
import Foundation
import ModelSpec
import Registry

/// `riskd model validate <dir>`: loads a version directory with the registry's own loader (the code the
/// server runs), and reports what it found, whether the artifact's SHA-256 matches the manifest, and whether
/// riskd's predictions match the native library's on sample rows. Lives apart from the server so the CLI
/// never starts one, but shares every parser with it.
public struct ModelValidation: Sendable {
    /// The artifact's digest against the manifest's `artifact.sha256`.
    public enum DigestStatus: Sendable, Equatable {
        case ok
        case absent
        case mismatch(expected: String)
    }

    public let directory: String
    public private(set) var lines: [(String, String)] = []
    public private(set) var failures: [String] = []
    /// The artifact's file name and SHA-256, once read.
    public private(set) var artifact: (file: String, sha256: String)?
    public private(set) var digest: DigestStatus?
    public private(set) var parity: ParityResult?

    public var passed: Bool { failures.isEmpty }

    /// Validates `directory`; `samplesFile` overrides the directory's own `samples.json`.
    public init(directory: String, samplesFile: String? = nil) {
        self.directory = directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            failures.append("\(directory) is not a directory")
            return
        }
        do throws(ModelVersionLoadError) {
            try inspect(samplesFile: samplesFile)
        } catch {
            failures.append(error.message)
        }
    }

    private mutating func inspect(samplesFile: String?) throws(ModelVersionLoadError) {
        let manifest = try ModelVersionLoader.manifest(in: directory)
        let (file, format) = try ModelVersionLoader.artifact(in: directory, manifest: manifest)
        let bytes = try ModelVersionLoader.read(directory + "/" + file, limit: ModelVersionLoader.maxArtifactBytes)
        let sha256 = Hex.encode(Digest.sha256(bytes))
        artifact = (file, sha256)
        lines.append(("artifact", "\(file) (\(format.rawValue), \(bytes.count) bytes)"))
        switch manifest.artifact?.sha256 {
        case nil:
            digest = .absent
            lines.append(("sha256", "absent (manifest has no artifact.sha256; \(sha256))"))
        case let expected? where expected == sha256:
            digest = .ok
            lines.append(("sha256", "ok (\(sha256))"))
        case let expected?:
            digest = .mismatch(expected: expected)
            lines.append(("sha256", "mismatch: file is \(sha256), manifest expects \(expected)"))
            failures.append("\(file): SHA-256 does not match the manifest")
            return
        }
        // Exactly what the registry does when it loads a version (same verification, compile and checks).
        let servable = try ModelVersionLoader.load(
            name: "validate", version: 1, directory: directory, now: Date().timeIntervalSince1970)
        let model = servable.model
        lines.append(("model", model.kindDescription))
        lines.append(
            ("task", "\(model.task.rawValue), \(model.outputCount) output\(model.outputCount == 1 ? "" : "s")"))
        lines.append(("features", "\(servable.featureNames.count): \(Self.abbreviated(servable.featureNames))"))
        lines.append(("manifest", Self.sections(of: manifest, present: hasManifest)))
        checkParity(servable, samplesFile: samplesFile)
    }

    private var hasManifest: Bool { FileManager.default.fileExists(atPath: directory + "/manifest.json") }

    private mutating func checkParity(_ servable: ServableModel, samplesFile: String?) {
        let path = samplesFile ?? directory + "/samples.json"
        guard samplesFile != nil || FileManager.default.fileExists(atPath: path) else {
            lines.append(("parity", "not checked (no samples.json; pass --samples <file>)"))
            return
        }
        do {
            let bytes = try ModelVersionLoader.read(path, limit: ParitySamples.maxBytes)
            let result = try ParitySamples(parsing: bytes).compare(with: servable)
            parity = result
            let summary =
                "\(result.rows) rows, max |diff| \(result.maxDifference) (tolerance \(result.tolerance)), "
                + "\(result.mismatches) mismatch\(result.mismatches == 1 ? "" : "es")"
            lines.append(("parity", summary + (result.firstMismatch.map { "; first: \($0)" } ?? "")))
            if !result.passed {
                failures.append("parity: \(result.mismatches) of \(result.rows) predictions differ beyond tolerance")
            }
        } catch {
            lines.append(("parity", "cannot check: \(error)"))
            failures.append("\(error)")
        }
    }

    /// The report as printed: one aligned line per finding, then the verdict.
    public var report: String {
        var text = "riskd model validate \(directory)\n"
        for (key, value) in lines {
            text += "  " + (key + ":").padding(toLength: 10, withPad: " ", startingAt: 0) + value + "\n"
        }
        text += passed ? "result: OK\n" : "result: FAILED\n" + failures.map { "  - \($0)\n" }.joined()
        return text
    }

    static func abbreviated(_ names: [String]) -> String {
        names.count <= 8 ? names.joined(separator: ", ") : names.prefix(8).joined(separator: ", ") + ", …"
    }

    /// Which manifest sections the server will use.
    static func sections(of manifest: ModelManifest, present: Bool) -> String {
        guard present else { return "absent (the artifact alone serves: no calibration, interval or drift)" }
        var found: [String] = []
        if manifest.description != nil { found.append("description") }
        if let task = manifest.task { found.append("task \(task.rawValue)") }
        if !manifest.features.isEmpty { found.append("features (\(manifest.features.count))") }
        if let calibration = manifest.calibration { found.append("calibration (\(calibration.scores.count) scores)") }
        if !manifest.trainingRange.isEmpty { found.append("training_range (\(manifest.trainingRange.count))") }
        if let reference = manifest.reference {
            found.append("reference (\(reference.features.count) features\(reference.score == nil ? "" : ", score"))")
        }
        if manifest.tiers != nil { found.append("tiers") }
        if let fallback = manifest.fallback { found.append("fallback (\(fallback.rules.count) rules)") }
        if manifest.drift != nil { found.append("drift") }
        if manifest.lineage != nil { found.append("lineage") }
        if let card = manifest.modelCard { found.append("model_card \(card)") }
        if manifest.artifact?.sha256 != nil { found.append("artifact.sha256") }
        return found.isEmpty ? "present, no sections" : found.joined(separator: ", ")
    }
}
