import Crypto
import Foundation
import Log
import Metrics
import RiskdTesting
import Testing

@testable import Registry

func makeRegistry(_ repository: TemporaryModelRepository, policy: VersionPolicy = .latest(2), poll: Double = 0)
    -> ModelRegistry
{
    var configuration = RegistryConfiguration(directory: repository.root)
    configuration.defaultPolicy = policy
    configuration.pollInterval = poll
    return ModelRegistry(
        configuration: configuration, logger: Logger(label: "test", sink: RecordingLogSink()),
        metrics: MetricsRegistry())
}

@Suite struct ModelRegistryTests {
    @Test func servesTheHighestVersionAndReportsEveryVersion() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        try repository.addLinearVersion("disk", version: 2)
        try repository.addLinearVersion("disk", version: 10)
        let registry = makeRegistry(repository)
        let summary = registry.reload()
        #expect(Set(summary.loaded) == ["disk/2", "disk/10"])
        let entry = try #require(registry.snapshot.models["disk"])
        #expect(entry.serving?.version == 10)
        #expect(entry.statuses[1]?.state == .unloaded)
        #expect(entry.statuses[1]?.reason == "not selected by the version policy")
        #expect(entry.statuses[2]?.state == .available)
        #expect(registry.readiness().ready)
    }

    @Test func emptyRepositoryIsNeverReady() throws {
        let repository = try TemporaryModelRepository()
        let registry = makeRegistry(repository)
        registry.reload()
        let readiness = registry.readiness()
        #expect(!readiness.ready)
        #expect(readiness.reason?.contains("no models") == true)
    }

    @Test func requiredModelWithoutVersionsKeepsServiceUnready() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        var configuration = RegistryConfiguration(directory: repository.root)
        configuration.requiredModels = ["disk", "cpu"]
        let registry = ModelRegistry(
            configuration: configuration, logger: Logger(label: "t", sink: RecordingLogSink()),
            metrics: MetricsRegistry())
        registry.reload()
        #expect(registry.readiness().reason == "no serving version for: cpu")
    }

    @Test func digestMismatchIsReportedAndNeverServed() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        try repository.addLinearVersion(
            "disk", version: 2,
            manifest: #"{"artifact": {"sha256": "\#(String(repeating: "0", count: 64))"}}"#)
        let registry = makeRegistry(repository)
        let summary = registry.reload()
        #expect(summary.failed["disk/2"]?.contains("SHA-256") == true)
        let entry = try #require(registry.snapshot.models["disk"])
        #expect(entry.serving?.version == 1)
        #expect(entry.statuses[2]?.state == .failed)
    }

    @Test func matchingDigestLoads() throws {
        let repository = try TemporaryModelRepository()
        let artifact = TemporaryModelRepository.linearModel(features: ["a"], coefficients: [1], intercept: 0)
        try repository.write("disk", version: 1, file: "model.riskd.json", artifact)
        let digest = Hex.encode(Digest.sha256(Array(artifact.utf8)))
        try repository.write("disk", version: 1, file: "manifest.json", #"{"artifact": {"sha256": "\#(digest)"}}"#)
        let registry = makeRegistry(repository)
        registry.reload()
        #expect(registry.snapshot.models["disk"]?.serving?.artifactSHA256 == digest)
    }

    @Test func corruptedNewVersionLeavesThePreviousOneServing() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        let registry = makeRegistry(repository)
        registry.reload()
        try repository.write("disk", version: 2, file: "model.riskd.json", #"{"format": "riskd-json", "model_ty"#)
        let summary = registry.reload()
        #expect(summary.failed["disk/2"] != nil)
        let entry = try #require(registry.snapshot.models["disk"])
        #expect(entry.serving?.version == 1)
        #expect(entry.statuses[2]?.state == .failed)
        #expect(entry.statuses[2]?.reason?.isEmpty == false)
        // A failure is remembered, not retried on every poll, until the files change.
        #expect(registry.reload().failed.isEmpty)
        try repository.addLinearVersion("disk", version: 2)
        #expect(registry.reload().loaded == ["disk/2"])
        #expect(registry.snapshot.models["disk"]?.serving?.version == 2)
    }

    @Test func brokenRewriteOfTheServingVersionKeepsTheVerifiedContent() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1, coefficients: [1, 1])
        let registry = makeRegistry(repository)
        registry.reload()
        let before = try #require(registry.snapshot.models["disk"]?.serving)
        try repository.write("disk", version: 1, file: "model.riskd.json", "not json")
        registry.reload()
        let entry = try #require(registry.snapshot.models["disk"])
        #expect(entry.serving === before)
        #expect(entry.statuses[1]?.reason?.contains("previous content still serving") == true)
    }

    @Test func manifestMustAgreeWithTheModelsFeatures() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion(
            "disk", version: 1, features: ["a", "b"], manifest: #"{"features": [{"name": "b"}, {"name": "a"}]}"#)
        try repository.addLinearVersion(
            "disk", version: 2, features: ["a", "b"], manifest: #"{"features": [{"name": "a"}]}"#)
        let summary = makeRegistry(repository, policy: .all).reload()
        #expect(summary.failed["disk/1"]?.contains("does not match") == true)
        #expect(summary.failed["disk/2"]?.contains("lists 1 features") == true)
    }

    @Test func removedModelsAndVersionsAreUnloaded() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        try repository.addLinearVersion("cpu", version: 1)
        let registry = makeRegistry(repository)
        registry.reload()
        try repository.remove("cpu")
        let summary = registry.reload()
        #expect(summary.unloaded.contains("cpu/1"))
        #expect(registry.snapshot.models["cpu"] == nil)
        #expect(registry.snapshot.models["disk"] != nil)
    }

    @Test func inFlightSnapshotKeepsItsModelAfterASwap() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        let registry = makeRegistry(repository, policy: .latest(1))
        registry.reload()
        let held = registry.snapshot
        try repository.addLinearVersion("disk", version: 2)
        registry.reload()
        #expect(held.models["disk"]?.serving?.version == 1)
        #expect(held.models["disk"]?.serving?.model.predict([0, 0]).first == 0.5)
        #expect(registry.snapshot.models["disk"]?.serving?.version == 2)
        #expect(registry.snapshot.generation > held.generation)
    }

    @Test func pollingPicksUpANewVersion() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        let registry = makeRegistry(repository, poll: 0.05)
        registry.reload()
        registry.startWatching()
        defer { registry.stopWatching() }
        try repository.addLinearVersion("disk", version: 2)
        let deadline = Date().addingTimeInterval(10)
        while registry.snapshot.models["disk"]?.serving?.version != 2, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(registry.snapshot.models["disk"]?.serving?.version == 2)
    }

    @Test func requestReloadRescansWithoutWaitingForTheInterval() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        let registry = makeRegistry(repository, poll: 0)
        registry.reload()
        registry.startWatching()
        defer { registry.stopWatching() }
        try repository.addLinearVersion("disk", version: 3)
        registry.requestReload()
        let deadline = Date().addingTimeInterval(10)
        while registry.snapshot.models["disk"]?.serving?.version != 3, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(registry.snapshot.models["disk"]?.serving?.version == 3)
    }
}
