import Foundation
import RiskdTesting
import Testing

@testable import Registry

@Suite struct ModelVersionTests {
    @Test func acceptsOnlyCanonicalPositiveIntegers() {
        #expect(ModelVersion.parse("1") == 1)
        #expect(ModelVersion.parse("10") == 10)
        #expect(ModelVersion.parse("9223372036854775807") == Int.max)
        for text in ["", "0", "01", "+1", "-1", " 1", "1 ", "1.0", "1e3", "0x1", "１", "9223372036854775808"] {
            #expect(ModelVersion.parse(text) == nil, "\(text)")
        }
    }

    @Test func directoriesWithNonCanonicalNamesAreNotVersions() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1)
        try repository.addLinearVersion("disk", version: 2)
        for alias in ["01", "+3"] {
            try FileManager.default.copyItem(
                atPath: repository.root + "/disk/2", toPath: repository.root + "/disk/" + alias)
        }
        let registry = makeRegistry(repository, policy: .all)
        registry.reload()
        #expect(registry.snapshot.models["disk"]?.statuses.keys.sorted() == [1, 2])
    }
}
