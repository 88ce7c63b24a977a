import Foundation
import ModelSpec
import SystemIO

/// The on-disk layout operators know from TensorFlow Serving and Triton:
/// `<directory>/<model-name>/<version>/{model.json|model.ubj|model.txt|model.riskd.json, manifest.json}` and an
/// optional `<directory>/<model-name>/aliases.json`.
///
/// Scanning only lists directories and file attributes; nothing is read or parsed until a version
/// actually needs loading. A version's fingerprint (file names, sizes and modification times) tells the
/// poller when its files changed.
public struct ModelRepository: Sendable {
    let directory: String

    struct VersionOnDisk: Sendable, Equatable {
        let version: Int
        let path: String
        let fingerprint: String
    }

    /// Model names are path components, so they are restricted to a safe alphabet.
    public static func isValidModelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 128, first != UInt8(ascii: "."),
            first != UInt8(ascii: "-")
        else { return false }
        return name.utf8.allSatisfy { byte in
            (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    /// Every model directory with its version directories; entries that are not models are skipped.
    func scan() -> [String: [Int: VersionOnDisk]] {
        let files = FileManager.default
        guard let names = try? files.contentsOfDirectory(atPath: directory) else { return [:] }
        var models: [String: [Int: VersionOnDisk]] = [:]
        for name in names where ModelRepository.isValidModelName(name) && isDirectory(directory + "/" + name) {
            let modelPath = directory + "/" + name
            var versions: [Int: VersionOnDisk] = [:]
            for entry in (try? files.contentsOfDirectory(atPath: modelPath)) ?? [] {
                guard let version = ModelVersion.parse(entry), isDirectory(modelPath + "/" + entry)
                else { continue }
                let path = modelPath + "/" + entry
                versions[version] = VersionOnDisk(version: version, path: path, fingerprint: fingerprint(of: path))
            }
            models[name] = versions
        }
        return models
    }

    func aliasesPath(for model: String) -> String {
        directory + "/" + model + "/aliases.json"
    }

    /// The model's aliases, or none when the file is absent.
    func readAliases(for model: String) throws(ManifestError) -> ModelAliases {
        let path = aliasesPath(for: model)
        guard FileManager.default.fileExists(atPath: path) else { return ModelAliases() }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
            throw ManifestError(message: "aliases.json: cannot be read")
        }
        return try ModelAliases(parsing: [UInt8](data))
    }

    /// Replaces `aliases.json` atomically (temporary file, fsync, rename), so a crash leaves the old or
    /// the new file, never a torn one.
    func writeAliases(_ aliases: ModelAliases, for model: String) throws {
        var bytes = aliases.json.serialized()
        bytes.append(0x0A)
        // 0644: the model repository is read by people and tools, unlike riskd's private state.
        try DurableFile.replace(aliasesPath(for: model), with: bytes, mode: 0o644)
    }

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    private func fingerprint(of path: String) -> String {
        let files = FileManager.default
        let entries = ((try? files.contentsOfDirectory(atPath: path)) ?? []).sorted()
        return entries.map { entry in
            let attributes = (try? files.attributesOfItem(atPath: path + "/" + entry)) ?? [:]
            let size = attributes[.size] as? Int ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(entry):\(size):\(modified)"
        }.joined(separator: "|")
    }
}
