import Foundation
import Testing

@testable import RiskCore

@Suite struct EntityRoutingTests {
    /// Naming schemes seen in production: a plain counter, zero-padded disk ids, UUIDs and host names.
    static let schemes: [(String, @Sendable (Int) -> String)] = [
        ("k-N", { "k-\($0)" }),
        ("disk-NNNN", { "disk-" + String(repeating: "0", count: max(0, 4 - String($0).count)) + String($0) }),
        ("uuid", { _ in UUID().uuidString.lowercased() }),
        ("hostname", { "node\($0 % 97).rack\($0 / 97).dc1.example.com" }),
    ]

    @Test(arguments: 0..<4) func canaryShareMatchesTheWeightForEveryNamingScheme(scheme: Int) {
        let (name, make) = Self.schemes[scheme]
        let weight = 0.3
        let entities = (0..<10_000).map(make)
        let routed = entities.filter { EntityRouting.unitValue($0) < weight }.count
        let share = Double(routed) / Double(entities.count)
        #expect(abs(share - weight) <= 0.03, "\(name): share \(share)")
    }

    @Test func anEntityAlwaysGetsTheSameValue() {
        #expect(EntityRouting.unitValue("disk-0042") == EntityRouting.unitValue("disk-0042"))
        #expect(EntityRouting.unitValue("disk-0042") != EntityRouting.unitValue("disk-0043"))
        #expect(EntityRouting.routingValue("k-1") == EntityRouting.unitValue("k-1"))
        let value = EntityRouting.unitValue("")
        #expect(value >= 0 && value < 1)
    }
}
