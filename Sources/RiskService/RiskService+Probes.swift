import Foundation
import HTTPCore
import HTTPServer
import JSON
import Metrics

/// Kubernetes probes, the Prometheus scrape and the API description. Liveness and readiness are always
/// open (the kubelet sends no credentials); /metrics and /healthz need a read token with `--auth-probes`.
extension RiskService {
    func addProbeRoutes(to router: inout ServiceRoutes) {
        let detailRole: Role? = configuration.authenticateProbes ? .read : nil
        add(&router, .GET, "/livez", role: nil) { _, _, _ in
            // Alive means the event loop answers; nothing here may depend on models or disks.
            .json(.ok, ["status": "alive"])
        }
        add(&router, .GET, "/readyz", role: nil) { [self] _, _, _ in
            if let reason = notReadyReason() {
                return .error(.serviceUnavailable, code: "not_ready", message: reason)
            }
            return .json(.ok, ["status": "ready"])
        }
        add(&router, .GET, "/healthz", role: detailRole) { [self] _, _, _ in
            let reason = notReadyReason()
            return .json(reason == nil ? .ok : .serviceUnavailable, health(notReady: reason))
        }
        // Renders hundreds of series: on the workers, so a scrape never delays a probe on a loop.
        add(&router, .GET, "/metrics", role: detailRole, blocking: true) { [self] _, _, _ in
            var response = HTTPResponse(status: .ok, body: metrics.exposition())
            response.headers.set("Content-Type", PrometheusText.contentType)
            return response
        }
        add(&router, .GET, "/openapi.yaml", role: nil) { _, _, _ in
            var response = HTTPResponse(status: .ok, body: OpenAPIDocument.bytes)
            response.headers.set("Content-Type", "application/yaml")
            return response
        }
    }

    /// Why the service should not receive traffic now, or nil when it should.
    func notReadyReason() -> String? {
        switch phase.current {
        case .starting: return "starting: models are loading"
        case .draining: return "draining: shutting down"
        case .serving:
            if let problem = incidentLoop.storage.currentProblem { return "storage_unavailable: \(problem)" }
            return registry.readiness().reason
        }
    }

    private func health(notReady: String?) -> JSONValue {
        let snapshot = registry.snapshot
        var models = JSONObject()
        for name in snapshot.models.keys.sorted() {
            guard let entry = snapshot.models[name] else { continue }
            models.append(
                name,
                [
                    "serving_version": entry.serving.map { .string(String($0.version)) } ?? .null,
                    "loaded_versions": .array(entry.available.keys.sorted().map { .string(String($0)) }),
                    "failed_versions": .array(
                        entry.statuses.values.filter { $0.state == .failed }.map { .string(String($0.version)) }),
                ])
        }
        return [
            "status": .string(notReady == nil ? "ok" : "not_ready"),
            "reason": notReady.map(JSONValue.string) ?? .null,
            "phase": .string(phase.current.name),
            "uptime_seconds": .number(Date().timeIntervalSince1970 - startedAt),
            "registry_generation": .number(Double(snapshot.generation)),
            "models": .object(models),
            "entities": .number(Double(entities.entityCount)),
            "resident_memory_bytes": .number(Double(ProcessMetrics.residentMemoryBytes())),
        ]
    }
}
