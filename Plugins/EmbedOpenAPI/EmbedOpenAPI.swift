import PackagePlugin

/// Embeds openapi.yaml (at the package root) into the target as generated Swift source, rebuilt whenever
/// the file changes. A local plugin: no plugin package, no network.
@main
struct EmbedOpenAPI: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "openapi.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedOpenAPI.swift")
        return [
            .buildCommand(
                displayName: "Embedding openapi.yaml", executable: try context.tool(named: "OpenAPIEmbedder").url,
                arguments: [input.path(percentEncoded: false), output.path(percentEncoded: false)],
                inputFiles: [input], outputFiles: [output])
        ]
    }
}
