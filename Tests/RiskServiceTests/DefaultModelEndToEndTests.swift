import Foundation
import JSON
import RiskdTesting
import Testing

/// The bundled default model, served from the repository's `models/` directory, must give for a posted
/// telemetry stream exactly what the Python training pipeline computes for the same window: the same
/// features (riskd_features.py), the same raw score and the same calibrated risk and interval
/// (training/calibration.py). The vectors come from training/make_e2e_fixture.py.
@Suite struct DefaultModelEndToEndTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func fixture(_ name: String = "e2e_disk_failure.json") throws -> JSONValue {
        let path = repositoryRoot + "/Tests/RiskServiceTests/Fixtures/" + name
        return try JSONParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// Posts each fixture entity's raw points and compares features, raw score, risk and interval.
    static func checkTelemetryStream(_ fixtureName: String) throws {
        let fixture = try Self.fixture(fixtureName)
        let model = try #require(fixture["model"]?["name"]?.stringValue)
        let running = try RunningService { $0.registry.directory = Self.repositoryRoot + "/models" }
        let entities = try #require(fixture["entities"]?.arrayValue)
        #expect(entities.count >= 2)
        let names = try #require(fixture["feature_names"]?.arrayValue?.compactMap { $0.stringValue })
        for case let entity in entities {
            let id = try #require(entity["entity"]?.stringValue)
            let points = try #require(entity["points"])
            let post = try running.request(
                "POST", "/v1/entities/\(id)/telemetry?model=\(model)",
                json: String(decoding: JSONValue.object(["points": points]).serialized(), as: UTF8.self))
            #expect(post.status == 200, "\(post.text)")
            let asOf = try #require(entity["as_of"]?.doubleValue)
            let risk = try running.request("GET", "/v1/entities/\(id)/risk?model=\(model)&as_of=\(asOf)").json()
            let result = try #require(risk["risks"]?.arrayValue?.first)
            #expect(result["version"]?.stringValue == fixture["model"]?["version"]?.stringValue)
            for name in names {
                let expected = entity["features"]?[name]
                let actual = result["features"]?[name]
                if expected == .null {
                    #expect(actual == .null, "\(id) \(name)")
                } else {
                    let e = try #require(expected?.doubleValue)
                    let a = try #require(actual?.doubleValue, "\(id) \(name) missing")
                    #expect(abs(a - e) <= 1e-12 * max(1, abs(e)), "\(id) \(name): \(a) vs \(e)")
                }
            }
            let prediction = try #require(result["prediction"])
            let score = try #require(prediction["score"]?.doubleValue)
            #expect(abs(score - (entity["raw_score"]?.doubleValue ?? -1)) <= 1e-6, "\(id) score")
            let venn = try #require(entity["venn_abers"])
            #expect(
                abs((prediction["interval"]?["lower"]?.doubleValue ?? -1) - (venn["lower"]?.doubleValue ?? 9)) <= 1e-9)
            #expect(
                abs((prediction["interval"]?["upper"]?.doubleValue ?? -1) - (venn["upper"]?.doubleValue ?? 9)) <= 1e-9)
            #expect(abs((prediction["risk"]?.doubleValue ?? -1) - (venn["p"]?.doubleValue ?? 9)) <= 1e-9)
        }
    }

    @Test func telemetryStreamGivesThePipelinesRiskAndInterval() throws {
        try Self.checkTelemetryStream("e2e_disk_failure.json")
    }

    /// The second bundled model: CPU points alone give the host-cpu model's risk, higher inside NAB's
    /// labelled anomaly window than in a normal period.
    @Test func cpuTelemetryGivesTheHostModelsRiskAndInterval() throws {
        try Self.checkTelemetryStream("e2e_host_cpu.json")
        let entities = try #require(try Self.fixture("e2e_host_cpu.json")["entities"]?.arrayValue)
        let risks = entities.map { $0["venn_abers"]?["p"]?.doubleValue ?? -1 }
        #expect(entities.first?["label"] == 1 && risks[0] > risks[1])
    }

    @Test func defaultModelServesWithItsManifest() throws {
        let running = try RunningService { $0.registry.directory = Self.repositoryRoot + "/models" }
        #expect(try running.request("GET", "/readyz").status == 200)
        let detail = try running.request("GET", "/v1/models/disk-failure").json()
        #expect(detail["serving"]?["calibrated"] == true)
        #expect(detail["serving"]?["task"] == "binary")
        let version = try #require(Self.fixture()["model"]?["version"]?.stringValue)
        #expect(detail["serving"]?["version"]?.stringValue == version, "the fixture pins the served version")
    }

    /// The pipeline's model card is linked from the model and served as markdown for the loaded version.
    @Test func modelCardIsLinkedAndServed() throws {
        let running = try RunningService { $0.registry.directory = Self.repositoryRoot + "/models" }
        let detail = try running.request("GET", "/v1/models/disk-failure").json()
        let version = try #require(detail["serving"]?["version"]?.stringValue)
        let link = try #require(detail["serving"]?["model_card"]?.stringValue)
        #expect(link == "/v1/models/disk-failure/versions/\(version)/card")
        let card = try running.request("GET", link)
        #expect(card.status == 200)
        #expect(card.header("Content-Type") == "text/markdown; charset=utf-8")
        let onDisk = try String(
            contentsOfFile: Self.repositoryRoot + "/models/disk-failure/\(version)/MODEL_CARD.md", encoding: .utf8)
        #expect(card.text == onDisk)
        #expect(card.text.hasPrefix("# Model card: disk-failure version \(version)"))
        // Version 1 predates model cards; unknown versions and bad version numbers are refused clearly.
        let old = try running.request("GET", "/v1/models/disk-failure/versions/1/card")
        #expect(old.status == 404 && old.text.contains("model_card_not_found"))
        #expect(try running.request("GET", "/v1/models/disk-failure/versions/99/card").status == 404)
        #expect(try running.request("GET", "/v1/models/disk-failure/versions/x/card").status == 400)
        #expect(try running.request("GET", "/v1/models/nope/versions/2/card").status == 404)
    }
}
