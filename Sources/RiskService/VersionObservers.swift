import Metrics
import ModelSpec
import Monitoring
import Registry
import RiskCore
import Synchronization

/// The monitoring attached to one served model version: its drift monitor (inputs and scores against
/// the manifest's reference), its outcome statistics (refreshed from the state store's join), and its
/// `riskd_predictions_total` series (labelled with the version), resolved once so counting a prediction takes no lock.
struct VersionObservers: Sendable {
    let drift: DriftMonitor
    let outcomes: VersionOutcomes
    /// `riskd_predictions_total{model, version, source, tier}`, one series per source and tier.
    let predictions: PredictionCounters
    /// Fires at most once per cooldown when this version's drift breaches the retraining policy.
    let retraining: RetrainingTrigger
    /// `riskd_retraining_requests_total{model}`, created (at 0) with the first observed version, so the
    /// first request is an increase Prometheus can see.
    let retrainingRequests: Counter

    init(
        _ model: ServableModel, policy: TierPolicy, retraining: RetrainingTriggerPolicy,
        predictions family: MetricFamily<Counter>, retrainingRequests: MetricFamily<Counter>
    ) {
        self.retrainingRequests = retrainingRequests.labels(model.name)
        self.retraining = RetrainingTrigger(policy: Self.policy(retraining, model.manifest.drift))
        predictions = PredictionCounters(model: model.name, version: String(model.version), family: family)
        let reference = model.manifest.reference
        drift = DriftMonitor(
            model: model.name, version: String(model.version), featureNames: model.featureNames,
            features: reference?.features ?? [:],
            score: reference?.score)
        outcomes = VersionOutcomes(
            model: model.name, version: String(model.version),
            tiers: [TierThreshold(name: "L1", risk: policy.l1Risk), TierThreshold(name: "L3", risk: policy.l3Lower)])
    }

    /// The service's retraining policy with the version's calibrated per-feature limits, if its manifest has them.
    static func policy(_ base: RetrainingTriggerPolicy, _ drift: ModelManifest.DriftThresholds?)
        -> RetrainingTriggerPolicy
    {
        guard let drift else { return base }
        return base.calibrated(
            featureThresholds: drift.features, minSamples: drift.minSamples)
    }
}

/// Observers per served model version, created on first use and dropped with the version. Bounded by
/// the number of loaded versions, which the registry bounds.
final class ObserverRegistry: Sendable {
    let retrainingPolicy: RetrainingTriggerPolicy
    let predictions: MetricFamily<Counter>
    let retrainingRequests: MetricFamily<Counter>
    private let byVersion = Mutex<[String: VersionObservers]>([:])
    private let shadows = Mutex<[String: ShadowComparison]>([:])
    private let byModel = Mutex<[ObjectIdentifier: (model: ServableModel, observers: VersionObservers)]>([:])

    init(
        retrainingPolicy: RetrainingTriggerPolicy, predictions: MetricFamily<Counter>,
        retrainingRequests: MetricFamily<Counter>
    ) {
        self.retrainingPolicy = retrainingPolicy
        self.predictions = predictions
        self.retrainingRequests = retrainingRequests
    }

    func observers(for model: ServableModel, policy: TierPolicy) -> VersionObservers {
        // The hot path: found by the loaded object's identity (no string built or hashed); the entry
        // holds the model, so the identifier cannot be reused while it is cached.
        let identity = ObjectIdentifier(model)
        if let cached = byModel.withLock({ $0[identity]?.observers }) { return cached }
        let key = "\(model.name)/\(model.version)"
        let observers = byVersion.withLock { map in
            if let existing = map[key] { return existing }
            let created = VersionObservers(
                model, policy: policy, retraining: retrainingPolicy, predictions: predictions,
                retrainingRequests: retrainingRequests)
            map[key] = created
            return created
        }
        byModel.withLock { cache in
            // A cache, not a registry: bounded, so replaced versions' models are not kept alive by it.
            if cache.count >= 64 { cache.removeAll() }
            cache[identity] = (model, observers)
        }
        return observers
    }

    func existing(model: String, version: Int) -> VersionObservers? {
        byVersion.withLock { $0["\(model)/\(version)"] }
    }

    func all() -> [VersionObservers] {
        byVersion.withLock { Array($0.values) }
    }

    /// Recomputes every version's drift report for `/metrics`; called every few seconds by the monitoring
    /// thread, never by a request.
    func refreshDrift() {
        for observers in all() { observers.drift.refresh() }
    }

    /// Forgets observers and `riskd_predictions_total` series of versions no longer loaded (keys are
    /// "model/version"), so both stay bounded by the loaded versions.
    func retain(loaded keys: Set<String>) {
        predictions.removeSeries { labels in labels[1] != "none" && !keys.contains(labels[0] + "/" + labels[1]) }
        byVersion.withLock { map in map = map.filter { keys.contains($0.key) } }
        byModel.withLock { map in map = map.filter { keys.contains("\($0.value.model.name)/\($0.value.model.version)") }
        }
        shadows.withLock { map in map = map.filter { keys.contains(String($0.key.split(separator: "|")[0])) } }
    }

    func shadowComparison(model: String, production: Int, shadow: Int) -> ShadowComparison {
        let key = "\(model)/\(production)|\(shadow)"
        return shadows.withLock { map in
            if let existing = map[key] { return existing }
            let created = ShadowComparison(productionVersion: String(production), shadowVersion: String(shadow))
            map[key] = created
            return created
        }
    }

    func shadowComparisons(model: String) -> [ShadowComparison] {
        shadows.withLock { map in map.filter { $0.key.hasPrefix(model + "/") }.map(\.value) }
    }
}

/// The `riskd_predictions_total` series of one model version (source × tier), looked up once.
struct PredictionCounters: Sendable {
    private let counters: [Counter]

    init(model: String, version: String, family: MetricFamily<Counter>) {
        counters = [RiskAssessment.Source.model, .fallback].flatMap { source in
            EscalationTier.allCases.map { family.labels(model, version, source.rawValue, $0.rawValue) }
        }
    }

    /// Counts a batch: one atomic add per (source, tier) present, with no allocation (a fixed-size tally).
    func count(_ assessments: [RiskAssessment]) {
        // One slot per series: 2 sources × 3 tiers (`slot` is exhaustive over the tiers).
        var tally: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &tally) { raw in
            let counts = raw.bindMemory(to: UInt64.self)
            for index in assessments.indices {
                counts[Self.slot(assessments[index].source, assessments[index].tier)] += 1
            }
            for slot in counters.indices where counts[slot] > 0 { counters[slot].increment(by: counts[slot]) }
        }
    }

    /// The series of a (source, tier): sources model then fallback, each with tiers in `allCases` order.
    private static func slot(_ source: RiskAssessment.Source, _ tier: EscalationTier) -> Int {
        let tierIndex =
            switch tier {
            case .none: 0
            case .l1: 1
            case .l3: 2
            }
        return (source == .model ? 0 : 3) + tierIndex
    }
}
