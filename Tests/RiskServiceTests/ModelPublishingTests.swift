import Foundation
import JSON
import RiskdTesting
import Testing

/// `riskd model publish` against a running `riskd serve`: the registry's watcher picks the published
/// version up and serves it, and the SHA-256 the publish pinned is what the server verifies.
@Suite struct ModelPublishingTests {
    /// A version directory outside the repository: risk = sigmoid(0.5 + 3a - b).
    static func sourceVersion(in scratch: String) throws -> String {
        let directory = scratch + "/candidate"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let model = TemporaryModelRepository.linearModel(features: ["a", "b"], coefficients: [3, -1], intercept: 0.5)
        try Data(model.utf8).write(to: URL(fileURLWithPath: directory + "/model.riskd.json"))
        try Data(#"{"description": "candidate", "task": "binary"}"#.utf8)
            .write(to: URL(fileURLWithPath: directory + "/manifest.json"))
        return directory
    }

    static func model(_ port: Int) throws -> JSONValue {
        try JSONParser().parse(try httpRequest(port: port, "GET", "/v1/models/disk").body)
    }

    static func predict(_ port: Int) throws -> JSONValue {
        let body = Array(#"{"instances": [{"features": {"a": 1, "b": 2}}]}"#.utf8)
        let response = try httpRequest(
            port: port, "POST", "/v1/models/disk/predict", headers: [("Content-Type", "application/json")], body: body)
        #expect(response.status == 200, "\(response.text)")
        return try JSONParser().parse(response.body)
    }

    /// The version directory written by training/make_xgboost_ubj_fixtures.py: an XGBoost `.ubj` artifact and
    /// xgboost's own predictions in `samples.json` (tests run from the package root).
    static let ubjVersion = "Tests/ModelToolsTests/Fixtures/disk-xgb"

    @Test func aRunningServerPicksUpAPublishedUBJVersionAndServesXGBoostsPredictions() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        let scratch = NSTemporaryDirectory() + "riskd-publish-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let riskd = try RiskdProcess(environment: [
            "RISKD_MODELS_DIR": repository.root, "RISKD_DATA_DIR": scratch + "/data", "RISKD_POLL_INTERVAL": "1",
        ])
        #expect(try Self.model(riskd.port)["serving_version"] == "1")

        let published = try RiskdCommand.run([
            "model", "publish", Self.ubjVersion, "--repo", repository.root, "--name", "disk",
        ])
        #expect(published.status == 0, "\(published.output)\(published.errors)")
        #expect(published.output.contains("published disk version 2"))

        let deadline = Date().addingTimeInterval(20)
        var serving: JSONValue?
        while Date() < deadline {
            serving = try Self.model(riskd.port)["serving_version"]
            if serving == "2" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(serving == "2", "\(riskd.log)")
        let described = try Self.model(riskd.port)["serving"]
        #expect(described?["artifact"] == "model.ubj")
        let manifest = try JSONParser().parse(Array((repository.read("disk/2/manifest.json") ?? "").utf8))
        #expect(described?["sha256"]?.stringValue == manifest["artifact"]?["sha256"]?.stringValue)

        // The first rows of samples.json, predicted by the server: xgboost's own numbers, bit for bit.
        let samples = try JSONParser().parse(Array((repository.read("disk/2/samples.json") ?? "").utf8))
        let rows = try #require(samples["rows"]?.arrayValue?.prefix(10))
        let instances = rows.map { row in JSONValue.object(["features": row["features"] ?? .null]) }
        let body = JSONValue.object(["instances": .array(Array(instances))]).serialized()
        let response = try httpRequest(
            port: riskd.port, "POST", "/v1/models/disk/predict", headers: [("Content-Type", "application/json")],
            body: body)
        #expect(response.status == 200, "\(response.text)")
        let prediction = try JSONParser().parse(response.body)
        #expect(prediction["version"] == "2")
        let risks = prediction["predictions"]?.arrayValue?.compactMap { $0["risk"]?.doubleValue }
        #expect(risks == rows.compactMap { $0["prediction"]?.doubleValue })
    }

    @Test func anArtifactChangedAfterPublishingIsRefusedAndThePreviousVersionServes() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        let scratch = NSTemporaryDirectory() + "riskd-publish-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let source = try Self.sourceVersion(in: scratch)
        let published = try RiskdCommand.run(["model", "publish", source, "--repo", repository.root, "--name", "disk"])
        #expect(published.status == 0, "\(published.output)\(published.errors)")
        let artifact = try #require(repository.read("disk/2/model.riskd.json"))
        try repository.write(
            "disk", version: 2, file: "model.riskd.json", artifact.replacingOccurrences(of: "3.0", with: "30.0"))

        let riskd = try RiskdProcess(environment: [
            "RISKD_MODELS_DIR": repository.root, "RISKD_DATA_DIR": scratch + "/data",
        ])
        let model = try Self.model(riskd.port)
        #expect(model["serving_version"] == "1")
        let failed = model["versions"]?.arrayValue?.first { $0["version"] == "2" }
        #expect(failed?["state"] == "failed")
        #expect(failed?["reason"]?.stringValue?.contains("SHA-256") == true, "\(String(describing: failed))")
        #expect(try Self.predict(riskd.port)["version"] == "1")
    }
}
