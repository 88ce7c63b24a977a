import Foundation
import ModelSpec
import Registry
import SystemIO

/// `riskd model publish <dir> --repo <models-dir> --name <model>`: puts a validated version into the
/// repository under the next free version number, so that a running server's watcher sees either nothing or
/// the complete version, never a half-copied one, and two concurrent publishes never share a number.
///
/// The version is assembled in a staging directory inside `<repo>/<name>/` (same filesystem; its name is not
/// a version number, so the registry ignores it), every file written and fsynced by `DurableFile`, the
/// manifest pinned to the artifact's SHA-256 (the server verifies it at load), then renamed to the next
/// number with `RENAME_NOREPLACE`, retrying with the following number when another publish took it.
public struct ModelPublisher: Sendable {
    public let repository: String
    public let name: String

    /// Files larger than this are not copied (the registry refuses artifacts beyond its own limit anyway).
    static let maxFileBytes = ModelVersionLoader.maxArtifactBytes
    static let maxAttempts = 64

    public init(repository: String, name: String) throws(PublishError) {
        guard ModelRepository.isValidModelName(name) else {
            throw PublishError(
                "invalid model name \"\(name)\" (letters, digits, '-', '_', '.'; not starting with '.' or '-')")
        }
        self.repository = repository
        self.name = name
    }

    /// Publishes the directory `validation` checked (it must have passed) and returns the new version number.
    public func publish(_ validation: ModelValidation) throws(PublishError) -> Int {
        guard validation.passed, let artifact = validation.artifact else {
            throw PublishError("not published: validation failed")
        }
        let source = validation.directory
        let modelDirectory = repository + "/" + name
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: repository, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw PublishError("repository \(repository) is not a directory")
        }
        let files = try filesToCopy(from: source)
        let manifestPath = source + "/manifest.json"
        let manifest = FileManager.default.fileExists(atPath: manifestPath) ? try read(manifestPath) : nil
        let pinned: [UInt8]
        do {
            pinned = try ModelManifest.pinningArtifact(manifest, file: artifact.file, sha256: artifact.sha256)
        } catch {
            throw PublishError(error.message)
        }
        let staging = modelDirectory + "/.publishing-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try DurableFile.createDirectory(modelDirectory, mode: 0o755)
            try DurableFile.createDirectory(staging, mode: 0o755)
        } catch {
            throw PublishError("\(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: staging) }
        do {
            for file in files where file != "manifest.json" {
                try DurableFile.replace(staging + "/" + file, with: try read(source + "/" + file), mode: 0o644)
            }
            try DurableFile.replace(staging + "/manifest.json", with: pinned, mode: 0o644)
        } catch let error as PublishError {
            throw error
        } catch {
            throw PublishError("\(error)")
        }
        return try moveIntoPlace(staging, in: modelDirectory)
    }

    /// Renames `staging` to the lowest version number above every existing one, retrying on a lost race.
    private func moveIntoPlace(_ staging: String, in modelDirectory: String) throws(PublishError) -> Int {
        for _ in 0..<Self.maxAttempts {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: modelDirectory)) ?? []
            let next = (entries.compactMap { ModelVersion.parse($0) }.max() ?? 0) + 1
            do {
                try DurableFile.renameWithoutReplacing(staging, to: modelDirectory + "/\(next)")
                return next
            } catch  where error.code == EEXIST || error.code == ENOTEMPTY {
                continue  // another publish took `next` between the listing and the rename
            } catch {
                throw PublishError("\(error)")
            }
        }
        throw PublishError("no free version number after \(Self.maxAttempts) attempts")
    }

    /// The regular files of a version directory; subdirectories are refused (the registry reads none).
    private func filesToCopy(from source: String) throws(PublishError) -> [String] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: source).sorted()
        } catch {
            throw PublishError("cannot list \(source)")
        }
        for entry in entries {
            let attributes = try? FileManager.default.attributesOfItem(atPath: source + "/" + entry)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else {
                throw PublishError("\(source)/\(entry) is not a regular file; a version directory holds only files")
            }
        }
        return entries
    }

    private func read(_ path: String) throws(PublishError) -> [UInt8] {
        do {
            return try ModelVersionLoader.read(path, limit: Self.maxFileBytes)
        } catch {
            throw PublishError(error.message)
        }
    }
}

/// Why a publish did not happen; the repository is left as it was.
public struct PublishError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
