import Foundation
import HTTPCore
import JSON
import Monitoring
import Registry

/// Statistics routes: SLO evaluation, ground-truth outcomes and the model quality they reveal, drift
/// against the training reference, and shadow-versus-production comparisons.
extension RiskService {
    func addMonitoringRoutes(to router: inout ServiceRoutes) {
        add(&router, .POST, "/v1/slo/evaluate", role: .read) { [self] request, _, _ in
            let body = try jsonBody(request)
            let parsed = try decoding { try SLOEvaluationRequest(json: .object(body)) }
            return .json(.ok, SLOEvaluation(parsed).json())
        }
        // Outcome joins, statistics and drift reports scan up to 100,000 predictions: off the loops, at
        // the lowest priority. Labels are written to the state store.
        add(&router, .POST, "/v1/outcomes", role: .write, analytics: true) { [self] request, _, _ in
            let body = try jsonBody(request)
            let reports: [OutcomeReport]
            if case .array(let items)? = body["outcomes"] {
                // Bounded so one request cannot hold a worker for seconds (--max-outcomes-per-request).
                let limit = configuration.maxOutcomesPerRequest
                guard items.count <= limit else {
                    throw HTTPResponseError(
                        .contentTooLarge, "too_many_outcomes",
                        "\(items.count) outcomes; at most \(limit) per request (--max-outcomes-per-request)")
                }
                reports = try decoding {
                    try items.enumerated().map { try OutcomeReport(json: $1, at: "outcomes[\($0)]") }
                }
            } else {
                reports = [try decoding { try OutcomeReport(json: .object(body)) }]
            }
            let labeled = try recordOutcomes(reports)
            return .json(.ok, ["received": .number(Double(reports.count)), "labeled": .number(Double(labeled))])
        }
        // The statistics are computed from the state store, so they survive restarts and agree across
        // replicas.
        add(&router, .GET, "/v1/models/{name}/performance", role: .read, analytics: true) { [self] _, context, _ in
            let entry = try modelEntry(context)
            let now = Date().timeIntervalSince1970
            predictionJournal.flush()
            var versions: [JSONValue] = []
            for (version, model) in entry.available.sorted(by: { $0.key < $1.key }) {
                let tracker = observers.observers(for: model, policy: effectiveTiers(for: model)).outcomes
                var object: JSONObject = ["version": .string(String(version))]
                object.append("statistics", try storedStatistics(tracker, now: now).json())
                versions.append(.object(object))
            }
            return .json(.ok, ["model": .string(entry.name), "versions": .array(versions)])
        }
        add(&router, .GET, "/v1/models/{name}/drift", role: .read, analytics: true) { [self] _, context, _ in
            let entry = try modelEntry(context)
            let versions: [JSONValue] = entry.available.keys.sorted().compactMap { version in
                guard let observers = observers.existing(model: entry.name, version: version) else { return nil }
                let report = observers.drift.report()
                let breaches = observers.retraining.policy.breaches(report)
                let enough = report.samples >= observers.retraining.policy.minSamples
                return [
                    "version": .string(String(version)),
                    "report": report.json(),
                    "retraining": [
                        "breached": .bool(enough && !breaches.isEmpty),
                        "reasons": .array(breaches.map(JSONValue.string)),
                        "min_samples": .number(Double(observers.retraining.policy.minSamples)),
                    ],
                ]
            }
            return .json(.ok, ["model": .string(entry.name), "versions": .array(versions)])
        }
        add(&router, .GET, "/v1/models/{name}/shadow", role: .read) { [self] _, context, _ in
            let entry = try modelEntry(context)
            let comparisons = observers.shadowComparisons(model: entry.name).map { $0.json() }
            return .json(
                .ok,
                [
                    "model": .string(entry.name),
                    "shadow_version": entry.aliases.shadow.map { .string(String($0)) } ?? .null,
                    "comparisons": .array(comparisons),
                ])
        }
    }

    /// Applies labels to the stored predictions and counts them per version and source (an entity window
    /// may span versions); the versions' statistics are recomputed from the store at the next monitoring
    /// tick. Returns how many stored predictions got a label.
    func recordOutcomes(_ reports: [OutcomeReport], model: String? = nil) throws(HTTPResponseError) -> Int {
        let labeled = try labelStored(reports, model: model)
        var total = 0
        for (report, records) in zip(reports, labeled) {
            total += records.count
            var perVersion: [String: (model: String, version: Int, count: Int)] = [:]
            for record in records {
                guard let version = Int(record.version) else { continue }
                perVersion["\(record.model)/\(version)", default: (record.model, version, 0)].count += 1
            }
            for entry in perVersion.values {
                observers.existing(model: entry.model, version: entry.version)?.outcomes
                    .countOutcomes(entry.count, source: report.source)
            }
        }
        if total > 0 { outcomesChanged.store(true, ordering: .releasing) }
        return total
    }
}
