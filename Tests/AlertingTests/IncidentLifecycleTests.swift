import Alerting
import Testing

@Suite struct IncidentLifecycleTests {
    private func lifecycle(maxEntries: Int = 100) -> IncidentLifecycle {
        var configuration = IncidentLifecycle.Configuration()
        configuration.resolveThreshold = 0.2
        configuration.holdSeconds = 60
        configuration.maxEntries = maxEntries
        return IncidentLifecycle(configuration: configuration)
    }

    @Test func triggersOnlyWhenTierRises() {
        let incidents = lifecycle()
        #expect(incidents.observe(dedupKey: "k", risk: 0.1, tier: .none, now: 0) == .none)
        #expect(incidents.observe(dedupKey: "k", risk: 0.5, tier: .l1, now: 1) == .trigger(.l1))
        #expect(incidents.observe(dedupKey: "k", risk: 0.5, tier: .l1, now: 2) == .none)
        #expect(incidents.observe(dedupKey: "k", risk: 0.9, tier: .l3, now: 3) == .trigger(.l3))
        #expect(incidents.observe(dedupKey: "k", risk: 0.5, tier: .l1, now: 4) == .none)
        #expect(incidents.observe(dedupKey: "k", risk: 0.9, tier: .l3, now: 5) == .none)
        #expect(incidents.openTier(dedupKey: "k") == .l3)
    }

    @Test func resolvesOnlyAfterRiskStaysLowForHoldSeconds() {
        let incidents = lifecycle()
        #expect(incidents.observe(dedupKey: "k", risk: 0.9, tier: .l3, now: 0) == .trigger(.l3))
        #expect(incidents.observe(dedupKey: "k", risk: 0.1, tier: .none, now: 10) == .none)
        #expect(incidents.observe(dedupKey: "k", risk: 0.1, tier: .none, now: 69) == .none)
        #expect(incidents.observe(dedupKey: "k", risk: 0.1, tier: .none, now: 70) == .resolve)
        #expect(incidents.openTier(dedupKey: "k") == nil)
        #expect(incidents.observe(dedupKey: "k", risk: 0.5, tier: .l1, now: 71) == .trigger(.l1))
    }

    @Test func aBlipAboveThresholdRestartsTheHold() {
        let incidents = lifecycle()
        _ = incidents.observe(dedupKey: "k", risk: 0.9, tier: .l1, now: 0)
        #expect(incidents.observe(dedupKey: "k", risk: 0.1, tier: .none, now: 10) == .none)
        #expect(incidents.observe(dedupKey: "k", risk: 0.25, tier: .none, now: 50) == .none)
        #expect(incidents.observe(dedupKey: "k", risk: 0.1, tier: .none, now: 80) == .none)
        #expect(incidents.observe(dedupKey: "k", risk: 0.1, tier: .none, now: 139) == .none)
        #expect(incidents.observe(dedupKey: "k", risk: 0.1, tier: .none, now: 140) == .resolve)
    }

    @Test func nanRiskNeverResolves() {
        let incidents = lifecycle()
        _ = incidents.observe(dedupKey: "k", risk: 0.9, tier: .l1, now: 0)
        _ = incidents.observe(dedupKey: "k", risk: .nan, tier: .none, now: 1)
        #expect(incidents.observe(dedupKey: "k", risk: .nan, tier: .none, now: 1000) == .none)
    }

    @Test func keysAreIndependent() {
        let incidents = lifecycle()
        #expect(incidents.observe(dedupKey: "a", risk: 0.9, tier: .l1, now: 0) == .trigger(.l1))
        #expect(incidents.observe(dedupKey: "b", risk: 0.9, tier: .l1, now: 0) == .trigger(.l1))
        incidents.forget(dedupKey: "a")
        #expect(incidents.observe(dedupKey: "a", risk: 0.9, tier: .l1, now: 1) == .trigger(.l1))
        #expect(incidents.observe(dedupKey: "b", risk: 0.9, tier: .l1, now: 1) == .none)
    }

    @Test func entriesAreBoundedEvictingTheLeastRecentlyUpdated() {
        let incidents = lifecycle(maxEntries: 2)
        _ = incidents.observe(dedupKey: "a", risk: 0.9, tier: .l1, now: 0)
        _ = incidents.observe(dedupKey: "b", risk: 0.9, tier: .l1, now: 1)
        _ = incidents.observe(dedupKey: "a", risk: 0.9, tier: .l1, now: 2)
        _ = incidents.observe(dedupKey: "c", risk: 0.9, tier: .l1, now: 3)
        #expect(incidents.count == 2)
        #expect(incidents.openTier(dedupKey: "b") == nil)
        #expect(incidents.openTier(dedupKey: "a") == .l1)
    }

    @Test func tierNamesRoundTrip() {
        for tier in AlertTier.allCases { #expect(AlertTier(name: tier.name) == tier) }
        #expect(AlertTier(name: "l3") == .l3)
        #expect(AlertTier(name: "L9") == nil)
    }
}
