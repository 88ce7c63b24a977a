import Foundation
import RiskdTesting
import Testing

/// deploy/prometheus/rules.yaml as Prometheus's own tool reads it: `promtool check rules` accepts it,
/// `promtool test rules` passes the unit tests in deploy/prometheus/tests (every alert fires on a
/// synthetic series and stays silent on a healthy one), and every alert carries what on-call needs.
@Suite struct PrometheusRulesTests {
    static let root = KubernetesDeploymentTests.repositoryRoot
    static let rulesPath = root + "/deploy/prometheus/rules.yaml"

    /// Runs promtool with `arguments` in the repository root: exit status and combined output.
    static func promtool(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let executable = try #require(Promtool.path, "Debian's prometheus package (promtool) must be installed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Each alert's block of rules.yaml, by alert name: from its `  - alert:` line to the next rule or group.
    static func alertBlocks() throws -> [(name: String, text: String)] {
        let text = try String(contentsOfFile: rulesPath, encoding: .utf8)
        var blocks: [(name: String, text: String)] = []
        var current: (name: String, text: String)?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("  - ") || line.hasPrefix("- ") {
                if let finished = current { blocks.append(finished) }
                current = line.hasPrefix("  - alert: ") ? (String(line.dropFirst(11)), "") : nil
            }
            current?.text += line + "\n"
        }
        if let finished = current { blocks.append(finished) }
        return blocks
    }

    @Test func promtoolAcceptsTheRules() throws {
        let check = try Self.promtool(["check", "rules", "deploy/prometheus/rules.yaml"])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("SUCCESS"))
    }

    @Test func promtoolUnitTestsPassForEveryAlert() throws {
        let directory = Self.root + "/deploy/prometheus/tests"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
            .sorted()
        try #require(!files.isEmpty)
        let run = try Self.promtool(["test", "rules"] + files.map { "deploy/prometheus/tests/" + $0 })
        #expect(run.status == 0, "\(run.output)")
        // Every alert is exercised both ways: firing (with expected labels) and silent.
        let tests = try files.map { try String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }.joined()
        for alert in try Self.alertBlocks().map(\.name) {
            #expect(tests.contains("alertname: \(alert)\n    exp_alerts:\n    - "), "\(alert) never fires in a test")
            #expect(tests.contains("alertname: \(alert)\n    exp_alerts: []"), "\(alert) is never tested silent")
        }
    }

    @Test func everyAlertHasSeveritySummaryDescriptionAndAnExistingRunbook() throws {
        let blocks = try Self.alertBlocks()
        #expect(blocks.count >= 15)
        for (name, text) in blocks {
            #expect(text.contains("\n      severity: page\n") || text.contains("\n      severity: ticket\n"), "\(name)")
            #expect(text.contains("\n      summary: "), "\(name) has no summary")
            #expect(text.contains("\n      description: "), "\(name) has no description")
            let runbook = "docs/runbooks/\(name).md"
            #expect(text.contains("\n      runbook_url: ") && text.contains("/\(runbook)\n"), "\(name): runbook_url")
            #expect(FileManager.default.fileExists(atPath: Self.root + "/" + runbook), "\(runbook) is missing")
        }
    }

    @Test func pageAlertsWaitForNoForClause() throws {
        // The short window resets a page as soon as the problem stops; `for:` would only delay it.
        for (name, text) in try Self.alertBlocks() where name.hasSuffix("BurnFast") {
            #expect(!text.contains("\n    for: "), "\(name)")
        }
    }
}
