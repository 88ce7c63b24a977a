import Foundation
import RiskdTesting
import Testing

/// `riskd check-config` over the real binary: the files `riskd serve` would accept pass, and each broken
/// file fails with the message the server would give at start-up.
@Suite struct ConfigurationCheckTests {
    /// Writes `files` (name → content) into a fresh directory and returns its path.
    static func directory(_ files: [String: String]) throws -> String {
        let directory = NSTemporaryDirectory() + "riskd-check-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, content) in files {
            try Data(content.utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        return directory
    }

    static let validPolicy = """
        {"tiers": {"l1": {"risk": 0.3}, "l3": {"lower": 0.6}},
         "models": {"disk-failure": {"tiers": {"l1": {"risk": 0.1}}}},
         "retraining": {"psi": 0.25, "min_samples": 500, "webhook_url": "http://127.0.0.1:9/retrain"},
         "pagerduty": {"resolve_threshold": 0.05}}
        """
    static let validTokens =
        #"{"tokens": [{"name": "ci", "token": "0123456789abcdef-ci", "role": "read"},"#
        + #" {"name": "ops", "sha256": "\#(String(repeating: "ab", count: 32))", "role": "admin"}]}"#

    @Test func validFilesPass() throws {
        let directory = try Self.directory([
            "policy.json": Self.validPolicy, "tokens.json": Self.validTokens, "key": "R0UT1NGKEY\n",
            "secrets": "old-secret\n\nnew-secret\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try RiskdCommand.run([
            "check-config", "--config", directory + "/policy.json", "--tokens-file", directory + "/tokens.json",
            "--pagerduty-routing-key-file", directory + "/key", "--pagerduty-webhook-secrets-file",
            directory + "/secrets",
        ])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasSuffix("policy.json: OK (tiers for disk-failure)"))
        #expect(lines[1].hasSuffix("tokens.json: OK (2 tokens: 1 read, 0 write, 1 admin)"))
        #expect(lines[2].hasSuffix("key: OK"))
        #expect(lines[3].hasSuffix("secrets: OK (2 secrets)"))
        #expect(!result.output.contains("R0UT1NGKEY") && !result.output.contains("old-secret"))
    }

    @Test(arguments: [
        ("--config", #"{"tiers": {"l1": {"risk": 0.3}"#, "policy file: "),
        ("--config", #"{"tiers": {"l1": {"risk": 1.5}}}"#, "thresholds must be within 0...1"),
        ("--config", #"{"models": {"disk": {"tiers": {"l3": {}}}}}"#, "models.disk.tiers.l3.lower"),
        ("--config", #"{"retraining": {"psi": "high"}}"#, "retraining.psi"),
        ("--config", #"{"telemetry_models": "disk"}"#, "telemetry_models"),
        (
            "--tokens-file", #"{"tokens": [{"name": "a", "token": "0123456789abcdef", "role": "root"}]}"#,
            "tokens[0].role"
        ),
        ("--tokens-file", #"{"tokens": [{"name": "a", "token": "short", "role": "read"}]}"#, "shorter than 16 bytes"),
        ("--tokens-file", #"{"tokens": [{"name": "a", "sha256": "abc", "role": "read"}]}"#, "expected 64 hex digits"),
        ("--tokens-file", #"{"users": []}"#, "tokens"),
        ("--pagerduty-routing-key-file", " \n", "is empty"),
        ("--pagerduty-webhook-secrets-file", "\n  \n", "holds no secret"),
    ])
    func eachBrokenFileFailsWithItsMessage(flag: String, content: String, message: String) throws {
        let directory = try Self.directory(["file": content, "policy.json": Self.validPolicy])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try RiskdCommand.run([
            "check-config", "--config", directory + "/policy.json", flag, directory + "/file",
        ])
        #expect(result.status == 1, "\(result.output)")
        let lines = result.output.split(separator: "\n")
        #expect(lines.first?.hasSuffix("policy.json: OK (tiers for disk-failure)") == true)
        #expect(lines.last?.contains("FAILED") == true)
        #expect(lines.last?.contains(message) == true, "\(result.output)")
    }

    @Test func aMissingFileAndWrongUsageAreReported() throws {
        let missing = try RiskdCommand.run(["check-config", "--tokens-file", "/nonexistent/tokens.json"])
        #expect(missing.status == 1)
        #expect(missing.output.contains("tokens file /nonexistent/tokens.json cannot be read"))
        #expect(try RiskdCommand.run(["check-config"]).status == 2)
        #expect(try RiskdCommand.run(["check-config", "--policy-file", "x"]).status == 2)
        #expect(try RiskdCommand.run(["check-config", "--config"]).status == 2)
    }

    /// check-config and start-up share their readers: what one rejects, the other refuses with the same message.
    @Test func theServerRefusesToStartOnWhatCheckConfigRejects() throws {
        let directory = try Self.directory([
            "policy.json": #"{"tiers": {"l1": {"risk": 1.5}}}"#, "key": "",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (variable, file, message) in [
            ("RISKD_CONFIG", "policy.json", "thresholds must be within 0...1"),
            ("RISKD_PAGERDUTY_ROUTING_KEY_FILE", "key", "is empty"),
        ] {
            let check = try RiskdCommand.run([
                "check-config", variable == "RISKD_CONFIG" ? "--config" : "--pagerduty-routing-key-file",
                directory + "/" + file,
            ])
            #expect(check.output.contains(message))
            let serve = try RiskdCommand.run(
                ["serve", "--port", "0", "--host", "127.0.0.1", "--data-dir", directory + "/data"],
                environment: [variable: directory + "/" + file], timeout: 30)
            #expect(serve.status == 1, "\(serve.errors)")
            #expect(serve.errors.contains(message), "\(serve.errors)")
        }
    }
}
