import Foundation
import PackagePlugin

/// Embeds openapi.yaml (at the package root) and the git commit being built into the target as generated
/// Swift source, rebuilt whenever the file or the commit changes. A local plugin: no plugin package, no
/// network, no process started (the commit is read from the git files, so no `git` binary is needed).
@main
struct EmbedOpenAPI: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let input = root.appending(path: "openapi.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedOpenAPI.swift")
        // The commit is an argument, so a new commit reruns the command; RISKD_REVISION overrides it where
        // the build has no .git (the Dockerfile passes it as a build argument).
        let environment = ProcessInfo.processInfo.environment["RISKD_REVISION"].flatMap { $0.isEmpty ? nil : $0 }
        let revision = environment ?? GitRevision.head(of: root.path(percentEncoded: false)) ?? "unknown"
        return [
            .buildCommand(
                displayName: "Embedding openapi.yaml and revision \(revision)",
                executable: try context.tool(named: "OpenAPIEmbedder").url,
                arguments: [input.path(percentEncoded: false), output.path(percentEncoded: false), revision],
                inputFiles: [input], outputFiles: [output])
        ]
    }
}

/// The commit checked out in a git working tree, read from `.git` the way git resolves `HEAD`: a
/// detached hash, or a branch ref as a loose file or a line of `packed-refs` (worktrees keep `HEAD` in
/// their own directory and refs in the common one).
enum GitRevision {
    static func head(of root: String) -> String? {
        guard let gitDirectory = gitDirectory(of: root), let head = read(gitDirectory + "/HEAD") else { return nil }
        guard head.hasPrefix("ref: ") else { return isHash(head) ? head : nil }
        let ref = String(head.dropFirst(5))
        let common = read(gitDirectory + "/commondir").map { path in
            path.hasPrefix("/") ? path : gitDirectory + "/" + path
        }
        for directory in [gitDirectory, common].compactMap({ $0 }) {
            if let hash = read(directory + "/" + ref), isHash(hash) { return hash }
            if let packed = read(directory + "/packed-refs") {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                    let hash = String(line.prefix { $0 != " " })
                    if isHash(hash) { return hash }
                }
            }
        }
        return nil
    }

    /// `.git` as a directory, or the directory a `.git` file (worktree, submodule) points to.
    private static func gitDirectory(of root: String) -> String? {
        let dotGit = root + "/.git"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let pointer = read(dotGit), pointer.hasPrefix("gitdir: ") else { return nil }
        let path = String(pointer.dropFirst(8))
        return path.hasPrefix("/") ? path : root + "/" + path
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func isHash(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy(\.isHexDigit)
    }
}
