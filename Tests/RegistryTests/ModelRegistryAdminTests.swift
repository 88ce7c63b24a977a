import Foundation
import RiskdTesting
import Testing

@testable import Registry

@Suite struct ModelRegistryAdminTests {
    private func threeVersions() throws -> (TemporaryModelRepository, ModelRegistry) {
        let repository = try TemporaryModelRepository()
        for version in 1...3 { try repository.addLinearVersion("disk", version: version) }
        let registry = makeRegistry(repository, policy: .latest(2))
        registry.reload()
        return (repository, registry)
    }

    @Test func loadKeepsAVersionOutsideThePolicyLoaded() throws {
        let (repository, registry) = try threeVersions()
        defer { withExtendedLifetime(repository) {} }
        #expect(registry.snapshot.models["disk"]?.available[1] == nil)
        let status = try registry.load(model: "disk", version: 1)
        #expect(status.state == .available)
        #expect(registry.snapshot.models["disk"]?.available[1] != nil)
        // A later rescan keeps it: the pin outlives the policy.
        registry.reload()
        #expect(registry.snapshot.models["disk"]?.available[1] != nil)
    }

    @Test func loadReportsFailuresAndUnknownVersions() throws {
        let (repository, registry) = try threeVersions()
        try repository.write("disk", version: 4, file: "model.riskd.json", "{}")
        #expect(throws: RegistryAdminError.self) { try registry.load(model: "disk", version: 4) }
        #expect(throws: RegistryAdminError.versionNotFound(model: "disk", version: 9)) {
            try registry.load(model: "disk", version: 9)
        }
        #expect(throws: RegistryAdminError.modelNotFound("nope")) { try registry.load(model: "nope", version: 1) }
    }

    @Test func unloadRefusesAliasTargetsAndTheLastVersion() throws {
        let (repository, registry) = try threeVersions()
        defer { withExtendedLifetime(repository) {} }
        _ = try registry.setAlias(model: "disk", alias: .production, version: 2)
        #expect(throws: RegistryAdminError.self) { try registry.unload(model: "disk", version: 2) }
        let status = try registry.unload(model: "disk", version: 3)
        #expect(status.state == .unloaded)
        #expect(status.reason == "unloaded by an administrator")
        _ = try registry.setAlias(model: "disk", alias: .production, version: nil)
        #expect {
            try registry.unload(model: "disk", version: 2)
        } throws: { error in
            guard case .conflict(let message) = error as? RegistryAdminError else { return false }
            return message.contains("only loaded version")
        }
    }

    @Test func aliasesArePersistedAndSurviveARestart() throws {
        let (repository, registry) = try threeVersions()
        let result = try registry.setAlias(model: "disk", alias: .production, version: 2)
        #expect(result.persisted)
        #expect(registry.snapshot.models["disk"]?.serving?.version == 2)
        #expect(repository.read("disk/aliases.json")?.contains("\"production\":2") == true)
        let restarted = makeRegistry(repository)
        restarted.reload()
        #expect(restarted.snapshot.models["disk"]?.serving?.version == 2)
    }

    @Test func aliasMustPointAtALoadedVersion() throws {
        let (repository, registry) = try threeVersions()
        defer { withExtendedLifetime(repository) {} }
        #expect(throws: RegistryAdminError.self) { try registry.setAlias(model: "disk", alias: .canary, version: 1) }
        #expect(throws: RegistryAdminError.versionNotFound(model: "disk", version: 7)) {
            try registry.setAlias(model: "disk", alias: .shadow, version: 7)
        }
    }

    @Test func canaryTakesItsShareOfRoutingValues() throws {
        let (repository, registry) = try threeVersions()
        defer { withExtendedLifetime(repository) {} }
        _ = try registry.setAlias(model: "disk", alias: .production, version: 2)
        _ = try registry.setAlias(model: "disk", alias: .canary, version: 3, weight: 0.25)
        let entry = try #require(registry.snapshot.models["disk"])
        #expect(entry.route(routingValue: 0.1)?.version == 3)
        #expect(entry.route(routingValue: 0.3)?.version == 2)
        _ = try registry.setAlias(model: "disk", alias: .shadow, version: 3)
        #expect(registry.snapshot.models["disk"]?.shadow?.version == 3)
    }

    @Test func rollbackMovesProductionToTheNextOlderLoadedVersion() throws {
        let (repository, registry) = try threeVersions()
        let result = try registry.rollback(model: "disk")
        #expect(result.from == 3 && result.to == 2)
        #expect(registry.snapshot.models["disk"]?.serving?.version == 2)
        #expect(repository.read("disk/aliases.json")?.contains("\"production\":2") == true)
        #expect(throws: RegistryAdminError.self) { try registry.rollback(model: "disk") }
    }
}
