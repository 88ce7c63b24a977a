import Foundation
import JSON
import RiskdTesting
import Testing

/// Refused admin attempts land in the audit log with the token's name when it is known, never the token.
@Suite struct AuditDenialTests {
    /// The audit log's records once at least `count` are written (bounded wait: denials are appended off
    /// the request path).
    static func records(_ running: RunningService, atLeast count: Int) throws -> [JSONValue] {
        let deadline = Date().addingTimeInterval(10)
        var lines: [Substring] = []
        repeat {
            let text = (try? String(contentsOfFile: running.dataDirectory + "/audit.log", encoding: .utf8)) ?? ""
            lines = text.split(separator: "\n")
            if lines.count >= count { break }
            Thread.sleep(forTimeInterval: 0.01)
        } while Date() < deadline
        return try lines.map { try JSONParser().parse(String($0)) }
    }

    @Test func deniedAdminAttemptsAreAuditedByNameNeverByToken() throws {
        let running = try RunningService(tokens: ModelRoutesTests.tokens)
        let reader = [("Authorization", "Bearer read-token-01234567890")]
        let stranger = [("Authorization", "Bearer stolen-token-0123456789")]
        #expect(try running.request("POST", "/v1/admin/reload").status == 401)
        #expect(try running.request("POST", "/v1/models/disk/rollback", headers: reader).status == 403)
        #expect(try running.request("POST", "/v1/models/disk/versions/1/unload", headers: stranger).status == 401)
        let records = try Self.records(running, atLeast: 3)
        #expect(records.count == 3)
        let denied = records.filter { $0["outcome"] == "denied" }
        #expect(denied.count == 3)
        let byActor = Dictionary(
            uniqueKeysWithValues: denied.compactMap { record in
                record["actor"]?.stringValue.map { ($0, record) }
            })
        #expect(Set(byActor.keys) == ["anonymous", "viewer", "(unknown token)"])
        #expect(byActor["viewer"]?["target"] == "POST /v1/models/{name}/rollback")
        #expect(byActor["viewer"]?["detail"]?["status"] == 403)
        #expect(byActor["(unknown token)"]?["detail"]?["status"] == 401)
        #expect(byActor["anonymous"]?["target"] == "POST /v1/admin/reload")
        #expect(denied.allSatisfy { $0["remote"]?.stringValue?.hasPrefix("127.0.0.1") == true })
        let text = try String(contentsOfFile: running.dataDirectory + "/audit.log", encoding: .utf8)
        #expect(!text.contains("read-token-01234567890"))
        #expect(!text.contains("stolen-token"))
    }

    @Test func adminWithoutATokensFileIsAuditedWhenRefused() throws {
        let running = try RunningService()
        let response = try running.request("POST", "/v1/admin/reload")
        #expect(response.status == 403)
        let records = try Self.records(running, atLeast: 1)
        #expect(records.count == 1)
        #expect(records.first?["actor"] == "anonymous")
        #expect(records.first?["outcome"] == "denied")
        #expect(records.first?["detail"]?["code"] == "admin_disabled")
    }
}
