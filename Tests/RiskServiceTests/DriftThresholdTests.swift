import Foundation
import JSON
import ModelSpec
import Monitoring
import Registry
import Testing

@testable import RiskService

/// The shipped disk-failure manifest's calibrated retraining thresholds, applied by the service's own drift
/// monitor and policy: in-distribution windows of the minimum size rarely alarm, a genuine shift does. The
/// vectors come from training/make_e2e_fixture.py.
@Suite struct DriftThresholdTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// SplitMix64, so the windows are the same on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func manifest() throws -> ModelManifest {
        let fixture = try JSONParser().parse(
            Array(
                try Data(
                    contentsOf: URL(fileURLWithPath: root + "/Tests/RiskServiceTests/Fixtures/e2e_disk_failure.json"))))
        let version = try #require(fixture["model"]?["version"]?.stringValue)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/models/disk-failure/\(version)/manifest.json"))
        return try ModelManifest(parsing: Array(bytes))
    }

    static func vectors(_ key: String) throws -> (names: [String], rows: [[Double]]) {
        let path = root + "/Tests/RiskServiceTests/Fixtures/drift_vectors.json"
        let document = try JSONParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let names = try (document["feature_names"] ?? .null).strings(at: "feature_names")
        let rows = try (document[key] ?? .null).array(at: key).map { row in
            try row.array(at: key).map { $0 == .null ? Double.nan : try $0.double(at: key) }
        }
        return (names, rows)
    }

    /// How many of `windows` random windows of `size` rows breach `policy`.
    static func alarms(
        _ rows: [[Double]], names: [String], manifest: ModelManifest, policy: RetrainingTriggerPolicy, windows: Int,
        size: Int, seed: UInt64
    ) -> Int {
        var generator = SeededGenerator(state: seed)
        let references = manifest.reference?.features ?? [:]
        var count = 0
        for _ in 0..<windows {
            let monitor = DriftMonitor(
                model: "disk-failure", version: "test", featureNames: names, features: references, score: nil,
                capacity: size)
            for _ in 0..<size {
                monitor.record(features: rows[Int.random(in: 0..<rows.count, using: &generator)], score: 0)
            }
            let report = monitor.report()
            #expect(report.samples >= policy.minSamples)
            if !policy.breaches(report).isEmpty { count += 1 }
        }
        return count
    }

    @Test func inDistributionWindowsRarelyAlarmAndTheDefaultsWouldCryWolf() throws {
        let manifest = try Self.manifest()
        let drift = try #require(manifest.drift)
        let policy = VersionObservers.policy(RetrainingTriggerPolicy(), drift)
        #expect(policy.minSamples == 200)
        #expect(policy.featureThresholds.count == manifest.features.count)
        let (names, rows) = try Self.vectors("in_distribution")
        #expect(
            Self.alarms(rows, names: names, manifest: manifest, policy: policy, windows: 200, size: 200, seed: 1) <= 2)
        #expect(
            Self.alarms(
                rows, names: names, manifest: manifest, policy: RetrainingTriggerPolicy(), windows: 200, size: 200,
                seed: 1) >= 150)
    }

    @Test func aGenuineShiftAlarms() throws {
        let manifest = try Self.manifest()
        let policy = VersionObservers.policy(RetrainingTriggerPolicy(), manifest.drift)
        let (names, rows) = try Self.vectors("shifted")
        #expect(
            Self.alarms(rows, names: names, manifest: manifest, policy: policy, windows: 5, size: 200, seed: 2) == 5)
    }
}
