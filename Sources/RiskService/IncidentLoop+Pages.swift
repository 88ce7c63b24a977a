import Alerting
import Foundation
import JSON
import RiskCore

/// What the pages say, and the digests that release held-back pages: one page per suppression group
/// naming every entity storm control or a cooldown held back, sent as soon as the group may page again.
extension IncidentLoop {
    /// Entities named in one digest page; more go into further pages (PagerDuty caps a payload at 512 KB).
    static let maxEntitiesPerDigest = 200

    /// Sends the digest of every group that may page again at `now`. On a storage failure the failed and
    /// the remaining digests are held again (and the error is thrown); nothing is lost.
    func sendDueDigests(now: Double) throws(OutboxError) {
        guard let pagerDuty else { return }
        let digests = suppressor.takeDueDigests(now: now)
        for (index, digest) in digests.enumerated() {
            // A page held back whose incident was since forgotten (evicted, closed in PagerDuty) is not news
            // (a ledger returns only pages of incidents open in the store, which may be another replica's).
            let pages = digest.pages.filter {
                AlertSuppressor.ledger != nil || lifecycle.openTier(dedupKey: $0.dedupKey) != nil
            }
            var stored = 0
            do throws(OutboxError) {
                while stored < pages.count {
                    let chunk = Array(pages[stored..<min(pages.count, stored + Self.maxEntitiesPerDigest)])
                    let key = PagerDutyEvents.digestKey(groupKey: digest.groupKey) + "/\(Int64(now * 1000))-\(stored)"
                    let held = GroupDigest(groupKey: digest.groupKey, pages: chunk)
                    try store(pagerDuty.trigger(dedupKey: key, payload: Self.digestPayload(held, now: now)))
                    digestMembers.withLock { $0.add(digest: key, members: chunk.map(\.dedupKey)) }
                    stored += chunk.count
                }
            } catch {
                let unsent = GroupDigest(groupKey: digest.groupKey, pages: Array(pages[stored...]))
                suppressor.undoPage(groupKey: digest.groupKey, at: now, digest: unsent)
                for later in digests[(index + 1)...] {
                    suppressor.undoPage(groupKey: later.groupKey, at: now, digest: later)
                }
                throw error
            }
        }
    }

    /// Resolves an entity incident: directly if it was paged on its own; if it was only named in a
    /// digest, the digest is resolved once every entity it named has resolved.
    func resolveAnnounced(_ key: String, pagerDuty: PagerDutyEvents) throws(OutboxError) {
        guard let digest = digestMembers.withLock({ $0.digestOf[key] }) else {
            try store(pagerDuty.resolve(dedupKey: key))
            return
        }
        if digestMembers.withLock({ $0.members[digest]?.count ?? 0 }) <= 1 {
            try store(pagerDuty.resolve(dedupKey: digest))
        }
        digestMembers.withLock { _ = $0.remove(key) }
    }

    /// An entity named in a digest got a page of its own (it escalated): it leaves the digest, and a
    /// digest left with no entity is resolved.
    func leaveDigests(_ key: String, pagerDuty: PagerDutyEvents) {
        guard let emptied = digestMembers.withLock({ $0.remove(key) }) else { return }
        enqueue(pagerDuty.resolve(dedupKey: emptied))
    }

    /// A human resolved `key` in PagerDuty: forget the incident (or every entity of a digest), so the next
    /// high risk pages again.
    func closedInPagerDuty(_ key: String) {
        lifecycle.forget(dedupKey: key)
        let members = digestMembers.withLock { $0.removeDigest(key) }
        for member in members { lifecycle.forget(dedupKey: member) }
    }

    static func payload(
        model: String, version: Int?, entity: String, labels: [String: String], assessment: RiskAssessment,
        tier: AlertTier, predictionID: String, now: Double
    ) -> PagerDutyAlertPayload {
        let interval = assessment.lower.map { " [\(percent($0))–\(percent(assessment.upper ?? $0))]" } ?? ""
        var details: JSONObject = [
            "risk": .number(assessment.risk), "tier": .string(tier.name), "model": .string(model),
            "model_version": version.map { .string(String($0)) } ?? .null, "prediction_id": .string(predictionID),
            "source": .string(assessment.source.rawValue),
            "out_of_range_features": .array(assessment.outOfRangeFeatures.map(JSONValue.string)),
            "missing_features": .array(assessment.missingFeatures.map(JSONValue.string)),
        ]
        if let reason = assessment.fallbackReason { details.append("fallback_reason", .string(reason)) }
        if let lower = assessment.lower, let upper = assessment.upper {
            details.append("interval", ["lower": .number(lower), "upper": .number(upper)])
        }
        let origin = assessment.source == .fallback ? "fallback rule of \(model)" : model
        return PagerDutyAlertPayload(
            summary: "\(entity): \(percent(assessment.risk)) failure risk\(interval) (\(tier.name), \(origin))",
            source: entity, severity: tier == .l3 ? .critical : .warning, timestamp: timestamp(now), component: model,
            group: labels["cluster"] ?? labels["service"], eventClass: "failure_risk", customDetails: details)
    }

    static func unavailablePayload(model: String, now: Double) -> PagerDutyAlertPayload {
        PagerDutyAlertPayload(
            summary: "riskd: model \(model) has no loaded version; entity risks come only from its fallback rules",
            source: "riskd", severity: .error, timestamp: timestamp(now), component: model,
            eventClass: "model_unavailable",
            customDetails: [
                "model": .string(model),
                "action": .string("check GET /v1/models/\(model) for failed versions and GET /readyz"),
            ])
    }

    static func digestPayload(_ digest: GroupDigest, now: Double) -> PagerDutyAlertPayload {
        let names = digest.pages.map(\.entity)
        let shown = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", …" : "")
        let models = Set(digest.pages.map(\.model)).sorted().joined(separator: ",")
        return PagerDutyAlertPayload(
            summary: "\(names.count) entities at risk in \(digest.groupKey), held back by storm control: \(shown)",
            source: "riskd", severity: digest.tier == .l3 ? .critical : .warning, timestamp: timestamp(now),
            component: models, group: digest.labels["cluster"] ?? digest.labels["service"],
            eventClass: "failure_risk_digest",
            customDetails: [
                "group": .string(digest.groupKey), "count": .number(Double(names.count)),
                "entities": .array(digest.pages.map(\.json)),
            ])
    }

    private static func percent(_ value: Double) -> String {
        String(format: "%.1f%%", value * 100)
    }

    private static func timestamp(_ now: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: now))
    }
}

/// Which entity incidents each open digest page announced, both ways.
struct DigestMembership: Sendable {
    var members: [String: Set<String>] = [:]
    var digestOf: [String: String] = [:]

    mutating func add(digest: String, members keys: [String]) {
        for key in keys {
            remove(key)
            digestOf[key] = digest
            members[digest, default: []].insert(key)
        }
    }

    /// Takes `key` out of its digest; returns the digest if that left it empty.
    @discardableResult
    mutating func remove(_ key: String) -> String? {
        guard let digest = digestOf.removeValue(forKey: key) else { return nil }
        members[digest]?.remove(key)
        guard members[digest]?.isEmpty == true else { return nil }
        members[digest] = nil
        return digest
    }

    mutating func removeDigest(_ digest: String) -> Set<String> {
        let keys = members.removeValue(forKey: digest) ?? []
        for key in keys { digestOf[key] = nil }
        return keys
    }
}
