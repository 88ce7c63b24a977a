/// `riskd check-config`: the policy, tokens and secret files checked by the very parsers `riskd serve`
/// runs on them at start-up, so a broken file is caught before a deployment rolls out (deploy/validate.sh
/// runs it on every config rendered from deploy/kubernetes) rather than by a crash-looping pod.
///
/// Flags carry the server's own option names. Exit status: 0 all files valid, 1 any invalid, 2 wrong usage.
public enum ConfigurationCheck {
    public static let usage = """
        usage: riskd check-config [--config <policy.json>] [--tokens-file <tokens.json>]
                                  [--pagerduty-routing-key-file <file>] [--pagerduty-webhook-secrets-file <file>]
        Checks each given file as riskd serve reads it; prints OK or the error per file.
        """

    /// One kind of file and how the server reads it.
    struct Check: Sendable {
        let flag: String
        let label: String
        let validate: @Sendable (String) throws(ServiceConfiguration.Error) -> String
    }

    static let checks = [
        Check(flag: "config", label: "policy file") { (path) throws(ServiceConfiguration.Error) in
            let policy = try ServicePolicy.load(path: path)
            _ = try policy.retrainingPolicy()
            let overrides = policy.modelTiers.keys.sorted()
            return overrides.isEmpty ? "OK" : "OK (tiers for \(overrides.joined(separator: ", ")))"
        },
        Check(flag: "tokens-file", label: "tokens file") { (path) throws(ServiceConfiguration.Error) in
            let roles = try AccessControl.load(path: path).entries.map(\.role)
            let counts = Role.allCases.map { role in "\(roles.filter { $0 == role }.count) \(role.name)" }
            return "OK (\(roles.count) tokens: \(counts.joined(separator: ", ")))"
        },
        Check(flag: "pagerduty-routing-key-file", label: "routing key file") {
            (path) throws(ServiceConfiguration.Error) in
            _ = try SecretFiles.routingKey(path: path)
            return "OK"
        },
        Check(flag: "pagerduty-webhook-secrets-file", label: "webhook secrets file") {
            (path) throws(ServiceConfiguration.Error) in
            "OK (\(try SecretFiles.webhookSecrets(path: path).count) secrets)"
        },
    ]

    /// Runs `arguments` (after `check-config`), one line per file to `output`, errors to `errors`.
    public static func run(_ arguments: [String], output: (String) -> Void, errors: (String) -> Void) -> Int32 {
        var files: [(Check, String)] = []
        var index = 0
        while index < arguments.count {
            let flag = arguments[index].hasPrefix("--") ? String(arguments[index].dropFirst(2)) : ""
            guard let check = checks.first(where: { $0.flag == flag }), index + 1 < arguments.count else {
                errors(usage + "\n")
                return ["--help", "-h"].contains(arguments[index]) ? 0 : 2
            }
            files.append((check, arguments[index + 1]))
            index += 2
        }
        guard !files.isEmpty else {
            errors(usage + "\n")
            return 2
        }
        var failed = false
        for (check, path) in files {
            do throws(ServiceConfiguration.Error) {
                output("\(check.label) \(path): \(try check.validate(path))\n")
            } catch {
                failed = true
                output("\(check.label) \(path): FAILED: \(error.description)\n")
            }
        }
        return failed ? 1 : 0
    }
}
