import Alerting
import Metrics
import Testing

@Suite struct AlertSuppressorTests {
    let registry = MetricsRegistry()
    let incidents = IncidentState()

    private func suppressor(cooldown: Double = 60, window: Double = 600, cap: Int = 100, maxRecent: Int = 10)
        -> AlertSuppressor
    {
        var configuration = AlertSuppressor.Configuration()
        configuration.groupLabels = ["cluster", "service"]
        configuration.cooldownSeconds = cooldown
        configuration.windowSeconds = window
        configuration.maxPagesPerWindow = cap
        configuration.maxRecent = maxRecent
        return AlertSuppressor(configuration: configuration, incidents: incidents, metrics: registry)
    }

    private func suppressedCount(_ reason: String) -> UInt64 {
        registry.counterFamily("riskd_alerts_suppressed_total", help: "", labelNames: ["reason"]).labels(reason).current
    }

    @Test func groupKeyUsesConfiguredLabelsInOrder() {
        let key = suppressor().groupKey(labels: ["service": "api", "cluster": "eu", "pod": "x"])
        #expect(key == #"cluster="eu",service="api""#)
        #expect(suppressor().groupKey(labels: [:]) == #"cluster="",service="""#)
    }

    @Test func cooldownAppliesPerGroup() {
        let suppressor = suppressor(cooldown: 60)
        let api = ["cluster": "eu", "service": "api"]
        #expect(
            suppressor.evaluate(dedupKey: "a", labels: api, now: 0) == .page(groupKey: #"cluster="eu",service="api""#))
        #expect(suppressor.evaluate(dedupKey: "b", labels: api, now: 30) == .suppressed(.cooldown))
        #expect(
            suppressor.evaluate(dedupKey: "c", labels: ["cluster": "eu", "service": "db"], now: 30)
                != .suppressed(.cooldown))
        #expect(
            suppressor.evaluate(dedupKey: "b", labels: api, now: 60) == .page(groupKey: #"cluster="eu",service="api""#))
        #expect(suppressedCount("cooldown") == 1)
    }

    @Test func stormCapLimitsPagesPerSlidingWindow() {
        let suppressor = suppressor(cooldown: 0, window: 100, cap: 2)
        #expect(suppressor.evaluate(dedupKey: "a", labels: ["service": "1"], now: 0) != .suppressed(.storm))
        #expect(suppressor.evaluate(dedupKey: "b", labels: ["service": "2"], now: 50) != .suppressed(.storm))
        #expect(suppressor.evaluate(dedupKey: "c", labels: ["service": "3"], now: 99) == .suppressed(.storm))
        // The first page leaves the window at t=100.
        #expect(suppressor.evaluate(dedupKey: "c", labels: ["service": "3"], now: 100) != .suppressed(.storm))
        #expect(suppressor.evaluate(dedupKey: "d", labels: ["service": "4"], now: 120) == .suppressed(.storm))
        #expect(suppressedCount("storm") == 2)
    }

    @Test func openIncidentInhibitsItsDedupKey() {
        let suppressor = suppressor()
        incidents.open(dedupKey: "riskd/m/e", status: "triggered", at: 0)
        #expect(suppressor.evaluate(dedupKey: "riskd/m/e", labels: ["service": "x"], now: 1) == .suppressed(.inhibited))
        #expect(
            suppressor.evaluate(dedupKey: "riskd/m/other", labels: ["service": "x"], now: 1) != .suppressed(.inhibited))
        incidents.close(dedupKey: "riskd/m/e")
        #expect(
            suppressor.evaluate(dedupKey: "riskd/m/e", labels: ["service": "y"], now: 2)
                == .page(groupKey: #"cluster="",service="y""#))
        #expect(suppressedCount("inhibited") == 1)
    }

    @Test func recentSuppressionsAreBoundedAndSerialised() throws {
        let suppressor = suppressor(cooldown: 1_000, maxRecent: 3)
        _ = suppressor.evaluate(dedupKey: "first", labels: [:], now: 0)
        for index in 1...5 { _ = suppressor.evaluate(dedupKey: "k\(index)", labels: [:], now: Double(index)) }
        let recent = suppressor.recentSuppressions()
        #expect(recent.map(\.dedupKey) == ["k3", "k4", "k5"])
        #expect(recent.allSatisfy { $0.reason == .cooldown })
        let json = suppressor.json()
        let items = try #require(json["recent_suppressions"]?.arrayValue)
        #expect(items.count == 3)
        #expect(items.first?["reason"] == "cooldown")
        #expect(items.first?["dedup_key"] == "k3")
        #expect(json["pages_in_window"] == 1)
    }

    private func held(_ key: String, cluster: String, at time: Double, reason: AlertSuppressor.Reason = .storm)
        -> DeferredPage
    {
        DeferredPage(
            dedupKey: key, entity: key, model: "disk", tier: .l3, risk: 0.9, labels: ["cluster": cluster],
            reason: reason, heldSince: time)
    }

    @Test func heldPagesAreReleasedAsOneDigestPerGroupWhenTheGroupMayPageAgain() {
        let suppressor = suppressor(cooldown: 10, window: 100, cap: 2)
        #expect(suppressor.evaluate(dedupKey: "a1", labels: ["cluster": "a"], now: 0) != .suppressed(.storm))
        #expect(suppressor.evaluate(dedupKey: "a2", labels: ["cluster": "a"], now: 1) == .suppressed(.cooldown))
        suppressor.deferPage(held("a2", cluster: "a", at: 1, reason: .cooldown))
        #expect(suppressor.evaluate(dedupKey: "b1", labels: ["cluster": "b"], now: 2) != .suppressed(.storm))
        #expect(suppressor.evaluate(dedupKey: "c1", labels: ["cluster": "c"], now: 3) == .suppressed(.storm))
        suppressor.deferPage(held("c1", cluster: "c", at: 3))
        suppressor.deferPage(held("c2", cluster: "c", at: 4))
        suppressor.deferPage(held("c3", cluster: "c", at: 5))
        #expect(suppressor.cancelDeferred(dedupKey: "c3"))  // resolved before it was paged
        #expect(suppressor.deferredCount == 3)
        // Storm window full until t=100: nothing is due, however long the cooldown is over.
        #expect(suppressor.takeDueDigests(now: 50).isEmpty)
        // t=100: a1's page left the window; one slot: the oldest held group (a) goes first.
        let first = suppressor.takeDueDigests(now: 100)
        #expect(first.map(\.groupKey) == [#"cluster="a",service="""#])
        #expect(first.first?.pages.map(\.dedupKey) == ["a2"])
        let second = suppressor.takeDueDigests(now: 102)
        #expect(second.first?.pages.map(\.dedupKey) == ["c1", "c2"])
        #expect(second.first?.tier == .l3)
        #expect(suppressor.deferredCount == 0)
    }

    @Test func anUndonePageHoldsItsDigestAgain() {
        let suppressor = suppressor(cooldown: 0, window: 100, cap: 1)
        suppressor.deferPage(held("x", cluster: "a", at: 0))
        let digests = suppressor.takeDueDigests(now: 1)
        #expect(digests.count == 1)
        #expect(suppressor.takeDueDigests(now: 2).isEmpty)
        suppressor.undoPage(groupKey: digests[0].groupKey, at: 1, digest: digests[0])
        #expect(suppressor.deferredCount == 1)
        #expect(suppressor.takeDueDigests(now: 3).first?.pages.map(\.dedupKey) == ["x"])
    }
}
