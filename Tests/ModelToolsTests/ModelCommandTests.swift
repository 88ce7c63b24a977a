import Crypto
import Foundation
import JSON
import RiskdTesting
import Testing

/// `riskd model validate` and `riskd model publish` over the real binary, on a version directory written by
/// training/make_xgboost_ubj_fixtures.py (an XGBoost `.ubj` artifact, a manifest and xgboost's predictions).
@Suite struct ModelCommandTests {
    /// A private copy of the fixture version directory, removed with the returned scratch directory.
    static func scratchVersion() throws -> (scratch: String, version: String) {
        let fixture = try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures/disk-xgb").path)
        let scratch = NSTemporaryDirectory() + "riskd-model-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture, toPath: scratch + "/version")
        return (scratch, scratch + "/version")
    }

    static func listing(_ path: String) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []).sorted()
    }

    @Test func validateReportsTheModelAndParityWithXGBoost() throws {
        let (scratch, version) = try Self.scratchVersion()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let result = try RiskdCommand.run(["model", "validate", version])
        #expect(result.status == 0, "\(result.output)\(result.errors)")
        #expect(result.output.contains("model.ubj (xgboost-ubj"))
        #expect(result.output.contains("xgboost-ubj gbtree binary:logistic, 40 trees"))
        #expect(result.output.contains("features: 6: smart_5_raw, smart_187_raw"))
        #expect(result.output.contains("sha256:   absent"))
        #expect(result.output.contains("manifest: description, task binary, features (6), lineage"))
        #expect(result.output.contains("50 rows, max |diff| 0.0 (tolerance 1e-06), 0 mismatches"))
        #expect(result.output.hasSuffix("result: OK\n"))
    }

    @Test func tamperedPredictionsFailParityWithAReport() throws {
        let (scratch, version) = try Self.scratchVersion()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var samples = try JSONParser().parse(try Data(contentsOf: URL(fileURLWithPath: version + "/samples.json")))
            .object(at: "")
        var rows = try #require(samples["rows"]?.arrayValue)
        for index in [3, 17, 40] {
            var row = try #require(rows[index].objectValue)
            row["prediction"] = .number(try #require(row["prediction"]?.doubleValue) + 0.01)
            rows[index] = .object(row)
        }
        samples["rows"] = .array(rows)
        let tampered = scratch + "/tampered.json"
        try Data(JSONValue.object(samples).serialized()).write(to: URL(fileURLWithPath: tampered))

        let result = try RiskdCommand.run(["model", "validate", version, "--samples", tampered])
        #expect(result.status == 1)
        #expect(result.output.contains("3 mismatches; first: rows[3]"))
        #expect(result.output.contains("result: FAILED"))
        #expect(result.output.contains("parity: 3 of 50 predictions differ beyond tolerance"))
    }

    @Test func samplesNamingAnUnknownFeatureFail() throws {
        let (scratch, version) = try Self.scratchVersion()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let samples = scratch + "/samples.json"
        try Data(#"{"rows": [{"features": {"smart_5_rawx": 1}, "prediction": 0.5}]}"#.utf8)
            .write(to: URL(fileURLWithPath: samples))
        let result = try RiskdCommand.run(["model", "validate", version, "--samples", samples])
        #expect(result.status == 1)
        #expect(result.output.contains("unknown feature \"smart_5_rawx\""))
    }

    @Test func publishTwiceTakesTheNextVersionsAndPinsTheDigest() throws {
        let (scratch, version) = try Self.scratchVersion()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let repository = scratch + "/models"
        try FileManager.default.createDirectory(atPath: repository + "/disk/1", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: version + "/model.ubj", toPath: repository + "/disk/1/model.ubj")
        let publish = ["model", "publish", version, "--repo", repository, "--name", "disk"]
        let first = try RiskdCommand.run(publish)
        #expect(first.status == 0, "\(first.output)\(first.errors)")
        #expect(first.output.contains("published disk version 2 (\(repository)/disk/2)"))
        let second = try RiskdCommand.run(publish)
        #expect(second.output.contains("published disk version 3"))
        #expect(Self.listing(repository + "/disk").filter { !$0.contains("/") } == ["1", "2", "3"])

        let artifact = try [UInt8](Data(contentsOf: URL(fileURLWithPath: repository + "/disk/3/model.ubj")))
        let manifest = try JSONParser().parse(
            try Data(contentsOf: URL(fileURLWithPath: repository + "/disk/3/manifest.json")))
        #expect(manifest["artifact"]?["sha256"]?.stringValue == Hex.encode(Digest.sha256(artifact)))
        #expect(manifest["artifact"]?["file"]?.stringValue == "model.ubj")
        #expect(manifest["features"]?.arrayValue?.count == 6)  // the rest of the manifest is kept
        #expect(try RiskdCommand.run(["model", "validate", repository + "/disk/3"]).output.contains("sha256:   ok"))

        // Changing the artifact after publishing is caught by the pinned digest.
        try Data([UInt8](artifact.dropLast(1))).write(to: URL(fileURLWithPath: repository + "/disk/3/model.ubj"))
        let tampered = try RiskdCommand.run(["model", "validate", repository + "/disk/3"])
        #expect(tampered.status == 1)
        #expect(tampered.output.contains("sha256:   mismatch"))
    }

    @Test func concurrentPublishesNeverShareAVersion() async throws {
        let (scratch, version) = try Self.scratchVersion()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let repository = scratch + "/models"
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        let outputs = try await withThrowingTaskGroup(of: RiskdCommand.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try RiskdCommand.run(["model", "publish", version, "--repo", repository, "--name", "disk"])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outputs.allSatisfy { $0.status == 0 }, "\(outputs.map(\.errors))")
        let versions = outputs.compactMap {
            $0.output.split(separator: "\n").last(where: { $0.hasPrefix("published") })
        }
        .map { $0.split(separator: " ")[3] }
        #expect(Set(versions) == ["1", "2", "3", "4"])
        // Only complete versions: no staging directory is left behind.
        #expect(Self.listing(repository + "/disk").filter { !$0.contains("/") } == ["1", "2", "3", "4"])
    }

    @Test(arguments: ["truncated", "noArtifact", "badManifest"])
    func anInvalidVersionIsNotPublishedAndTheRepositoryIsUntouched(_ breakage: String) throws {
        let (scratch, version) = try Self.scratchVersion()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let repository = scratch + "/models"
        try FileManager.default.createDirectory(atPath: repository + "/disk/1", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: repository + "/disk/1/model.riskd.json"))
        let before = Self.listing(repository)
        switch breakage {
        case "truncated":
            let bytes = try Data(contentsOf: URL(fileURLWithPath: version + "/model.ubj"))
            try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: version + "/model.ubj"))
        case "noArtifact":
            try FileManager.default.removeItem(atPath: version + "/model.ubj")
        default:
            try Data(#"{"features": [{"name": "x", "aggregation": "median"}]}"#.utf8)
                .write(to: URL(fileURLWithPath: version + "/manifest.json"))
        }
        let result = try RiskdCommand.run(["model", "publish", version, "--repo", repository, "--name", "disk"])
        #expect(result.status == 1)
        #expect(result.output.contains("result: FAILED"))
        #expect(result.errors.contains("not published"))
        #expect(Self.listing(repository) == before)
    }

    @Test func wrongUsageExitsTwo() throws {
        #expect(try RiskdCommand.run(["model"]).status == 2)
        #expect(try RiskdCommand.run(["model", "validate"]).status == 2)
        #expect(try RiskdCommand.run(["model", "validate", "a", "b"]).status == 2)
        #expect(try RiskdCommand.run(["model", "validate", "a", "--bogus", "x"]).status == 2)
        let missingRepo = try RiskdCommand.run(["model", "publish", "/nonexistent"])
        #expect(missingRepo.status == 1)  // validation fails first: the directory does not exist
        #expect(missingRepo.output.contains("/nonexistent is not a directory"))
        let (scratch, version) = try Self.scratchVersion()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let noName = try RiskdCommand.run(["model", "publish", version, "--repo", scratch])
        #expect(noName.status == 2)
        let badName = try RiskdCommand.run(["model", "publish", version, "--repo", scratch, "--name", "../x"])
        #expect(badName.status == 1)
        #expect(badName.errors.contains("invalid model name"))
    }
}
