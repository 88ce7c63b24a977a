import Log
import Metrics
import RiskdTesting
import Testing

@testable import Registry

/// The version policy counts only versions that can serve: a failed upload never pushes a good version out.
@Suite struct VersionPolicyTests {
    static let broken = #"{"format": "riskd-json", "model_ty"#

    @Test func twoFailedUploadsDoNotUnloadTheServingVersion() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        let registry = makeRegistry(repository, policy: .latest(2))
        registry.reload()
        try repository.write("disk", version: 2, file: "model.riskd.json", Self.broken)
        registry.reload()
        try repository.write("disk", version: 3, file: "model.riskd.json", Self.broken)
        let summary = registry.reload()
        #expect(summary.failed["disk/3"] != nil)
        #expect(summary.unloaded == [])
        let entry = try #require(registry.snapshot.models["disk"])
        #expect(entry.serving?.version == 1)
        #expect(entry.statuses[1]?.state == .available)
        #expect(entry.statuses[2]?.state == .failed)
        #expect(entry.statuses[3]?.state == .failed)
        #expect(registry.readiness().ready)
        // Failures stay remembered (not retried) and still do not count on the next scan.
        #expect(registry.reload().failed.isEmpty)
        #expect(registry.snapshot.models["disk"]?.serving?.version == 1)
        // The next good upload counts: it and the good version 1 are the two kept.
        try repository.addLinearVersion("disk", version: 4)
        #expect(registry.reload().loaded == ["disk/4"])
        let after = try #require(registry.snapshot.models["disk"])
        #expect(Set(after.available.keys) == [1, 4])
        #expect(after.serving?.version == 4)
        #expect(after.statuses[3]?.state == .failed)
    }

    @Test func servingVersionStaysUntilANewerOneLoads() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        let registry = makeRegistry(repository, policy: .latest(1))
        registry.reload()
        try repository.write("disk", version: 2, file: "model.riskd.json", Self.broken)
        let failed = registry.reload()
        #expect(failed.failed["disk/2"] != nil)
        #expect(failed.unloaded == [])
        #expect(registry.snapshot.models["disk"]?.serving?.version == 1)
        // Fixing version 2 loads it, and only then does version 1 leave.
        try repository.addLinearVersion("disk", version: 2)
        let fixed = registry.reload()
        #expect(fixed.loaded == ["disk/2"])
        #expect(fixed.unloaded == ["disk/1"])
        let entry = try #require(registry.snapshot.models["disk"])
        #expect(entry.serving?.version == 2)
        #expect(entry.statuses[1]?.state == .unloaded)
    }

    @Test func failedVersionsUploadedTogetherWithAGoodOneLeaveItServing() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        try repository.write("disk", version: 2, file: "model.riskd.json", Self.broken)
        try repository.write("disk", version: 3, file: "model.riskd.json", Self.broken)
        let registry = makeRegistry(repository, policy: .latest(2))
        let summary = registry.reload()
        #expect(Set(summary.failed.keys) == ["disk/2", "disk/3"])
        #expect(summary.loaded == ["disk/1"])
        #expect(registry.snapshot.models["disk"]?.serving?.version == 1)
        #expect(registry.readiness().ready)
    }
}
