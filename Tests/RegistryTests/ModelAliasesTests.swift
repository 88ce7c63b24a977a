import ModelSpec
import Testing

@testable import Registry

@Suite struct ModelAliasesTests {
    @Test func aliasesRoundTripThroughTheirJSONForm() throws {
        let aliases = try ModelAliases(
            parsing: Array(#"{"production": 3, "canary": {"version": 4, "weight": 0.25}, "shadow": 5}"#.utf8))
        #expect(aliases == ModelAliases(production: 3, canary: 4, canaryWeight: 0.25, shadow: 5))
        #expect(try ModelAliases(parsing: aliases.json.serialized()) == aliases)
        #expect(aliases.pinnedVersions == [3, 4, 5])
    }

    @Test func aliasesRejectBadVersionsAndWeights() {
        #expect(throws: ManifestError.self) { try ModelAliases(parsing: Array(#"{"production": 0}"#.utf8)) }
        #expect(throws: ManifestError.self) {
            try ModelAliases(parsing: Array(#"{"canary": {"version": 2, "weight": 2}}"#.utf8))
        }
        #expect(throws: ManifestError.self) { try ModelAliases(parsing: Array(#"{"production": "x"}"#.utf8)) }
    }
}
