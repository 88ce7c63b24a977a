/// The `riskd model …` subcommands: argument parsing and exit codes, so `main.swift` only dispatches.
///
/// Exit status: 0 success, 1 the model failed validation or could not be published, 2 wrong usage.
public enum ModelCommand {
    public static let usage = """
        usage: riskd model validate <version-dir> [--samples <file>]
               riskd model publish <version-dir> --repo <models-dir> --name <model> [--samples <file>]

        validate  load the version as the server would and report the artifact, its SHA-256 against the
                  manifest, features and manifest sections; with samples (--samples, else <dir>/samples.json)
                  check that riskd's predictions match the native library's.
        publish   validate, pin the artifact's SHA-256 in the manifest, and move the version into
                  <models-dir>/<model>/<next version> atomically; prints the version.
        Formats: docs/model-format.md
        """

    /// Runs `arguments` (after `model`), writing the report to `output` and problems to `errors`.
    public static func run(_ arguments: [String], output: (String) -> Void, errors: (String) -> Void) -> Int32 {
        guard let command = arguments.first, ["validate", "publish"].contains(command) else {
            errors(usage + "\n")
            return arguments.first.map { ["--help", "-h", "help"].contains($0) } == true ? 0 : 2
        }
        guard let options = Options(Array(arguments.dropFirst())) else {
            errors(usage + "\n")
            return 2
        }
        let validation = ModelValidation(directory: options.directory, samplesFile: options.values["samples"])
        output(validation.report)
        guard command == "publish" else { return validation.passed ? 0 : 1 }
        guard validation.passed else {
            errors("riskd: not published: \(options.directory) failed validation\n")
            return 1
        }
        guard let repository = options.values["repo"], let name = options.values["name"] else {
            errors("riskd: publish needs --repo <models-dir> and --name <model>\n")
            return 2
        }
        do {
            let version = try ModelPublisher(repository: repository, name: name).publish(validation)
            output("published \(name) version \(version) (\(repository)/\(name)/\(version))\n")
            return 0
        } catch {
            errors("riskd: not published: \(error)\n")
            return 1
        }
    }

    /// One positional directory and `--key value` pairs among `samples`, `repo`, `name`.
    struct Options {
        var directory: String
        var values: [String: String] = [:]

        init?(_ arguments: [String]) {
            var directory: String?
            var index = 0
            while index < arguments.count {
                let argument = arguments[index]
                if argument.hasPrefix("--") {
                    let key = String(argument.dropFirst(2))
                    guard ["samples", "repo", "name"].contains(key), index + 1 < arguments.count else { return nil }
                    values[key] = arguments[index + 1]
                    index += 2
                } else {
                    guard directory == nil else { return nil }
                    directory = argument
                    index += 1
                }
            }
            guard let directory else { return nil }
            self.directory = directory
        }
    }
}
