import Foundation
import JSON
import RiskdTesting
import Testing

@Suite struct ModelRoutesTests {
    static let tokens = """
        {"tokens": [{"name": "ops", "token": "admin-token-0123456789", "role": "admin"},
                    {"name": "agent", "token": "write-token-0123456789", "role": "write"},
                    {"name": "viewer", "token": "read-token-01234567890", "role": "read"}]}
        """
    let admin = [("Authorization", "Bearer admin-token-0123456789")]
    let reader = [("Authorization", "Bearer read-token-01234567890")]

    @Test func listsModelsAndDescribesTheServingVersion() throws {
        let running = try RunningService()
        let list = try running.request("GET", "/v1/models").json()
        #expect(list["models"]?.arrayValue?.first?["name"] == "disk")
        let detail = try running.request("GET", "/v1/models/disk").json()
        #expect(detail["serving_version"] == "1")
        #expect(detail["versions"]?.arrayValue?.first?["state"] == "available")
        let serving = try #require(detail["serving"])
        #expect(serving["calibrated"] == true)
        #expect(serving["features"]?.arrayValue?.map { $0["name"] } == ["a", "b"])
        #expect(serving["features"]?.arrayValue?.first?["aggregation"] == "mean")
        #expect(serving["sha256"]?.stringValue?.count == 64)
        #expect(try running.request("GET", "/v1/models/nope").status == 404)
    }

    @Test func adminRoutesNeedAnAdminToken() throws {
        let running = try RunningService(tokens: Self.tokens)
        #expect(try running.request("POST", "/v1/admin/reload").status == 401)
        #expect(try running.request("POST", "/v1/admin/reload", headers: reader).status == 403)
        #expect(
            try running.request("POST", "/v1/admin/reload", headers: [("Authorization", "Bearer wrong-token-000000")])
                .status == 401)
        #expect(try running.request("POST", "/v1/admin/reload", headers: admin).status == 200)
        // Reading needs a token too once a tokens file is configured; probes stay open.
        #expect(try running.request("GET", "/v1/models").status == 401)
        #expect(try running.request("GET", "/v1/models", headers: reader).status == 200)
        #expect(try running.request("GET", "/livez").status == 200)
    }

    @Test func withoutATokensFileAdminIsForbidden() throws {
        let running = try RunningService()
        let response = try running.request("POST", "/v1/admin/reload")
        #expect(response.status == 403)
        #expect(try response.json()["error"]?["code"] == "admin_disabled")
    }

    @Test func adminLifecycleIsAuditedAndConflictsAre409() throws {
        let running = try RunningService(tokens: Self.tokens)
        try running.repository.addLinearVersion("disk", version: 2, manifest: RunningService.fullManifest)
        let reload = try running.request("POST", "/v1/admin/reload", headers: admin).json()
        #expect(reload["loaded"] == ["disk/2"])
        #expect(try running.request("GET", "/v1/models/disk", headers: reader).json()["serving_version"] == "2")

        let rollback = try running.request("POST", "/v1/models/disk/rollback", headers: admin)
        #expect(rollback.status == 200)
        #expect(try rollback.json()["to_version"] == "1")
        #expect(try running.request("GET", "/v1/models/disk", headers: reader).json()["serving_version"] == "1")

        let blocked = try running.request("POST", "/v1/models/disk/versions/1/unload", headers: admin)
        #expect(blocked.status == 409)
        let canary = try running.request(
            "PUT", "/v1/models/disk/aliases/canary", json: #"{"version": 2, "weight": 0.5}"#, headers: admin)
        #expect(canary.status == 200)
        #expect(try canary.json()["aliases"]?["canary"]?["weight"] == 0.5)
        #expect(try running.request("DELETE", "/v1/models/disk/aliases/canary", headers: admin).status == 200)
        #expect(try running.request("POST", "/v1/models/disk/versions/9/load", headers: admin).status == 404)
        #expect(
            try running.request("PUT", "/v1/models/disk/aliases/beta", json: #"{"version": 1}"#, headers: admin).status
                == 404)

        let audit = try String(contentsOfFile: running.dataDirectory + "/audit.log", encoding: .utf8)
        let records = try audit.split(separator: "\n").map { try JSONParser().parse(String($0)) }
        #expect(
            records.map { $0["action"]?.stringValue ?? "" } == [
                "reload", "rollback", "unload", "set_alias", "clear_alias", "load",
            ])
        #expect(records.allSatisfy { $0["actor"] == "ops" })
        #expect(records[2]["outcome"] == "refused")
        #expect(!audit.contains("admin-token"))
    }

    @Test func corruptedArtifactKeepsTheOldVersionServingAndIsReported() throws {
        let running = try RunningService(tokens: Self.tokens)
        try running.repository.write("disk", version: 2, file: "model.riskd.json", #"{"format": "riskd-json""#)
        let reload = try running.request("POST", "/v1/admin/reload", headers: admin).json()
        #expect(reload["failed"]?["disk/2"] != nil)
        let detail = try running.request("GET", "/v1/models/disk", headers: reader).json()
        #expect(detail["serving_version"] == "1")
        let version2 = detail["versions"]?.arrayValue?.first { $0["version"] == "2" }
        #expect(version2?["state"] == "failed")
        #expect(version2?["reason"]?.stringValue?.isEmpty == false)
        let predict = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 1, "b": 1}}]}"#,
            headers: reader)
        #expect(try predict.json()["version"] == "1")
    }
}
