import JSON
import Metrics
import Synchronization

/// Decides whether a trigger may page, so one failure does not page the on-call many times.
///
/// Checks, in order: inhibition (an incident for the same dedup key is already open in
/// `IncidentState`), cooldown (the alert's group — the values of `groupLabels` such as cluster and
/// service — paged within `cooldownSeconds`), storm protection (at most `maxPagesPerWindow` pages in
/// any sliding `windowSeconds`). Only triggers go through it; resolves must always be sent.
/// Suppressions are counted in `riskd_alerts_suppressed_total{reason}` and the latest `maxRecent` are
/// kept for `json()`. Group memory is bounded by `maxGroups`.
///
/// Cooldown and storm suppressions defer rather than drop: the caller hands the page to `deferPage`,
/// and `takeDueDigests` releases each group's held pages as one digest as soon as that group may page
/// again (at most `maxDeferred` pages are held; `deferredCount` says how many).
///
/// With a `SuppressionLedger` bound (`$ledger`), cooldowns, the storm window and held pages live in
/// the ledger (the state store) and memory only mirrors them; after `requireLedger()`, digests are
/// released only with a ledger bound, so replicas sharing one store never send a digest twice.
public final class AlertSuppressor: Sendable {
    /// Grouping labels and the cooldown / storm limits.
    public struct Configuration: Sendable {
        /// Labels whose values form the group key; a missing label counts as empty.
        public var groupLabels: [String] = ["cluster", "service"]
        public var cooldownSeconds: Double = 300
        public var windowSeconds: Double = 600
        public var maxPagesPerWindow: Int = 10
        public var maxRecent: Int = 100
        public var maxGroups: Int = 10_000
        public var maxDeferred: Int = 10_000

        public init() {}
    }

    /// Why a page was held back.
    public enum Reason: String, Sendable, CaseIterable {
        case inhibited, cooldown, storm
    }

    /// The decision for one trigger.
    public enum Verdict: Sendable, Equatable {
        case page(groupKey: String)
        case suppressed(Reason)
    }

    private struct State {
        var lastPageByGroup: [String: Double] = [:]
        var pageTimes: [Double] = []
        var recent: [SuppressionRecord] = []
        /// Held-back pages per group, oldest first, and the group of each held dedup key.
        var deferred: [String: [DeferredPage]] = [:]
        var deferredGroup: [String: String] = [:]
    }

    /// The ledger of the decision running on this task, if any.
    @TaskLocal public static var ledger: (any SuppressionLedger)?

    public let configuration: Configuration
    private let ledgerRequired = Atomic<Bool>(false)
    private let incidents: IncidentState?
    private let suppressed: MetricFamily<Counter>
    private let state = Mutex(State())

    public init(configuration: Configuration = Configuration(), incidents: IncidentState?, metrics: MetricsRegistry) {
        self.configuration = configuration
        self.incidents = incidents
        suppressed = metrics.counterFamily(
            "riskd_alerts_suppressed_total", help: "Pages held back by the alert suppressor, by reason.",
            labelNames: ["reason"])
    }

    /// From now on digests are taken only from a bound ledger (the store is the truth).
    public func requireLedger() {
        ledgerRequired.store(true, ordering: .releasing)
    }

    /// `cluster="a",service="b"` style text from the configured labels, in configured order.
    public func groupKey(labels: [String: String]) -> String {
        configuration.groupLabels.map { "\($0)=\"\(labels[$0] ?? "")\"" }.joined(separator: ",")
    }

    /// Decides for one trigger at `now` (seconds); a `.page` verdict is recorded as a page sent.
    public func evaluate(dedupKey: String, labels: [String: String], now: Double) -> Verdict {
        let group = groupKey(labels: labels)
        let inhibited = incidents?.isOpen(dedupKey: dedupKey) ?? false
        let ledger = Self.ledger
        let windowStart = now - configuration.windowSeconds
        let stored = ledger.map { ($0.lastPage(group: group), $0.pageTimes(since: windowStart)) }
        let verdict: Verdict = state.withLock { state in
            if let stored {
                state.lastPageByGroup[group] = stored.0
                state.pageTimes = stored.1
            }
            state.pageTimes.removeAll { $0 <= windowStart }
            let reason: Reason?
            if inhibited {
                reason = .inhibited
            } else if let last = state.lastPageByGroup[group], now - last < configuration.cooldownSeconds {
                reason = .cooldown
            } else if state.pageTimes.count >= configuration.maxPagesPerWindow {
                reason = .storm
            } else {
                reason = nil
            }
            guard let reason else {
                recordPage(group: group, now: now, in: &state)
                ledger?.recordPage(group: group, at: now)
                return .page(groupKey: group)
            }
            state.recent.append(SuppressionRecord(dedupKey: dedupKey, groupKey: group, reason: reason, at: now))
            if state.recent.count > max(0, configuration.maxRecent) {
                state.recent.removeFirst(state.recent.count - max(0, configuration.maxRecent))
            }
            return .suppressed(reason)
        }
        if case .suppressed(let reason) = verdict { suppressed.labels(reason.rawValue).increment() }
        return verdict
    }

    /// Holds a page back for its group's next digest; an update of a held key replaces it in place.
    /// Returns false (nothing held) when `maxDeferred` pages are already waiting.
    @discardableResult
    public func deferPage(_ page: DeferredPage) -> Bool {
        let group = groupKey(labels: page.labels)
        let accepted = Self.ledger.map { $0.hold(page, group: group, limit: max(0, configuration.maxDeferred)) }
        return state.withLock { state in
            if let held = state.deferredGroup[page.dedupKey],
                let index = state.deferred[held]?.firstIndex(where: { $0.dedupKey == page.dedupKey })
            {
                var updated = page
                updated.heldSince = state.deferred[held]?[index].heldSince ?? page.heldSince
                state.deferred[held]?[index] = updated
                return true
            }
            guard accepted ?? (state.deferredGroup.count < max(0, configuration.maxDeferred)) else { return false }
            state.deferred[group, default: []].append(page)
            state.deferredGroup[page.dedupKey] = group
            return true
        }
    }

    /// Forgets a held page (its incident resolved or escalated on its own); returns whether one was held.
    @discardableResult
    public func cancelDeferred(dedupKey: String) -> Bool {
        let released = Self.ledger?.release(dedupKey: dedupKey)
        let mirrored: Bool = state.withLock { state in
            guard let group = state.deferredGroup.removeValue(forKey: dedupKey) else { return false }
            state.deferred[group]?.removeAll { $0.dedupKey == dedupKey }
            if state.deferred[group]?.isEmpty == true { state.deferred[group] = nil }
            return true
        }
        return released ?? mirrored
    }

    /// The digests of every group that may page at `now`, oldest held page first; each is recorded as a
    /// page sent (cooldown and storm window), and its pages are no longer held.
    public func takeDueDigests(now: Double) -> [GroupDigest] {
        let ledger = Self.ledger
        if ledger == nil, ledgerRequired.load(ordering: .acquiring) { return [] }
        let windowStart = now - configuration.windowSeconds
        let stored = ledger.map { ($0.lastPages(), $0.pageTimes(since: windowStart), $0.heldPages()) }
        let digests: [GroupDigest] = state.withLock { state in
            if let stored { adopt(lastPages: stored.0, pageTimes: stored.1, held: stored.2, in: &state) }
            state.pageTimes.removeAll { $0 <= windowStart }
            let groups = state.deferred.sorted { ($0.value.first?.heldSince ?? 0) < ($1.value.first?.heldSince ?? 0) }
            var digests: [GroupDigest] = []
            for (group, pages) in groups {
                guard state.pageTimes.count < configuration.maxPagesPerWindow else { break }
                if let last = state.lastPageByGroup[group], now - last < configuration.cooldownSeconds { continue }
                recordPage(group: group, now: now, in: &state)
                state.deferred[group] = nil
                for page in pages { state.deferredGroup[page.dedupKey] = nil }
                digests.append(GroupDigest(groupKey: group, pages: pages))
            }
            return digests
        }
        for digest in digests {
            ledger?.recordPage(group: digest.groupKey, at: now)
            for page in digest.pages { _ = ledger?.release(dedupKey: page.dedupKey) }
        }
        return digests
    }

    /// Undoes a page recorded at `at` for `groupKey` whose event could not be stored, and holds the
    /// digest's pages again, so a storage failure neither spends the budget nor loses the pages.
    public func undoPage(groupKey: String, at: Double, digest: GroupDigest? = nil) {
        state.withLock { state in
            if let index = state.pageTimes.lastIndex(of: at) { state.pageTimes.remove(at: index) }
            if state.lastPageByGroup[groupKey] == at { state.lastPageByGroup[groupKey] = nil }
            for page in digest?.pages ?? [] where state.deferredGroup[page.dedupKey] == nil {
                state.deferred[groupKey, default: []].append(page)
                state.deferredGroup[page.dedupKey] = groupKey
            }
        }
    }

    /// Pages held back, waiting for their group's digest.
    public var deferredCount: Int { state.withLock { $0.deferredGroup.count } }

    /// The latest suppressions, oldest first.
    public func recentSuppressions() -> [SuppressionRecord] {
        state.withLock { $0.recent }
    }

    /// `{"recent_suppressions": [...], "pages_in_window": n, "deferred": [...]}` (held pages, oldest first).
    public func json() -> JSONValue {
        let (recent, pages, deferred) = state.withLock {
            ($0.recent, $0.pageTimes.count, $0.deferred.values.flatMap { $0 }.sorted { $0.heldSince < $1.heldSince })
        }
        return [
            "recent_suppressions": .array(recent.map(\.json)), "pages_in_window": .number(Double(pages)),
            "deferred": .array(deferred.prefix(max(0, configuration.maxRecent)).map(\.json)),
        ]
    }

    /// Replaces the memory with what the ledger holds.
    private func adopt(lastPages: [String: Double], pageTimes: [Double], held: [DeferredPage], in state: inout State) {
        state.lastPageByGroup = lastPages
        state.pageTimes = pageTimes
        state.deferred = [:]
        state.deferredGroup = [:]
        for page in held {
            let group = groupKey(labels: page.labels)
            state.deferred[group, default: []].append(page)
            state.deferredGroup[page.dedupKey] = group
        }
    }

    private func recordPage(group: String, now: Double, in state: inout State) {
        state.pageTimes.append(now)
        state.lastPageByGroup[group] = now
        guard state.lastPageByGroup.count > max(1, configuration.maxGroups) else { return }
        // Groups past their cooldown carry no information; drop them first, then the oldest.
        state.lastPageByGroup = state.lastPageByGroup.filter { now - $0.value < configuration.cooldownSeconds }
        while state.lastPageByGroup.count > max(1, configuration.maxGroups) {
            guard let oldest = state.lastPageByGroup.min(by: { $0.value < $1.value })?.key else { break }
            state.lastPageByGroup[oldest] = nil
        }
    }
}
