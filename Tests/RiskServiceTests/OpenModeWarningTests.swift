import Foundation
import JSON
import RiskdTesting
import Testing

/// Running without a tokens file is allowed (private networks) but never silent.
@Suite struct OpenModeWarningTests {
    static func warnings(_ log: String) -> [JSONValue] {
        log.split(separator: "\n").compactMap { try? JSONParser().parse(String($0)) }.filter {
            $0["level"] == "warning" && $0["message"]?.stringValue?.contains("--tokens-file") == true
        }
    }

    @Test func withoutATokensFileStartupWarnsOnStderr() throws {
        let repository = try RunningService.defaultRepository()
        let data = NSTemporaryDirectory() + "riskd-open-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: data) }
        let riskd = try RiskdProcess(environment: ["RISKD_MODELS_DIR": repository.root, "RISKD_DATA_DIR": data])
        let warnings = Self.warnings(riskd.log)
        #expect(warnings.count == 1, "\(riskd.log)")
        let message = warnings.first?["message"]?.stringValue ?? ""
        #expect(message.contains("read and write routes are open"))
        #expect(warnings.first?["host"] == "127.0.0.1")
    }

    @Test func withATokensFileThereIsNoWarning() throws {
        let repository = try RunningService.defaultRepository()
        let data = NSTemporaryDirectory() + "riskd-closed-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        try Data(ModelRoutesTests.tokens.utf8).write(to: URL(fileURLWithPath: data + "/tokens.json"))
        let riskd = try RiskdProcess(environment: [
            "RISKD_MODELS_DIR": repository.root, "RISKD_DATA_DIR": data, "RISKD_TOKENS_FILE": data + "/tokens.json",
        ])
        #expect(riskd.log.contains("riskd listening"))
        #expect(Self.warnings(riskd.log).isEmpty, "\(riskd.log)")
    }
}
