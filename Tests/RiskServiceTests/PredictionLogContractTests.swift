import Foundation
import RiskdTesting
import Testing

/// The README states the prediction log's real contract (best effort, drops counted) and names metrics
/// that riskd actually exports.
@Suite struct PredictionLogContractTests {
    static func readmeParagraph() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOfFile: root.path + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "- **Prediction log.**"))
        let rest = readme[start.upperBound...]
        let end = rest.range(of: "\n- ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test func readmeNamesTheDropMetricsThatTheServerExports() throws {
        let paragraph = try Self.readmeParagraph()
        #expect(!paragraph.contains("Every prediction"))
        let names = Set(
            paragraph.split(whereSeparator: { !($0.isLetter || $0 == "_") }).filter { $0.hasPrefix("riskd_") }
                .map(String.init))
        #expect(names.contains("riskd_prediction_log_dropped_total"))
        let running = try RunningService()
        let exposition = try running.request("GET", "/metrics").text
        for name in names {
            // Every registered family has a TYPE line, with or without series yet (labelled families).
            #expect(exposition.contains("\n# TYPE \(name) "), "README names \(name), which /metrics does not export")
        }
    }
}
