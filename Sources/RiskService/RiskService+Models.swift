import HTTPCore
import HTTPRouting
import HTTPServer
import JSON
import Registry

/// Model status (read) and administration (admin role, audited, on the worker pool because loading
/// reads and verifies artifacts).
extension RiskService {
    func addModelRoutes(to router: inout ServiceRoutes) {
        add(&router, .GET, "/v1/models", role: .read) { [self] _, _, _ in
            let snapshot = registry.snapshot
            let models = snapshot.models.keys.sorted().compactMap { snapshot.models[$0].map(ModelDescription.summary) }
            return .json(.ok, ["models": .array(models)])
        }
        add(&router, .GET, "/v1/models/{name}", role: .read) { [self] _, context, _ in
            let entry = try modelEntry(context)
            return .json(.ok, ModelDescription.detail(entry, tiers: tierPolicy(for: entry.name)))
        }
        add(&router, .GET, "/v1/models/{name}/versions/{version}/card", role: .read) { [self] _, context, _ in
            let (name, version) = try nameAndVersion(context)
            guard let card = try modelEntry(context).available[version]?.modelCard else {
                throw HTTPResponseError.notFound(
                    "model_card_not_found", "no loaded version \(version) of \"\(name)\" with a model card")
            }
            return .text(.ok, card, contentType: "text/markdown; charset=utf-8")
        }
        add(&router, .POST, "/v1/admin/reload", role: .admin, blocking: true) { [self] _, _, caller in
            let summary = registry.reload()
            let failed = JSONObject(summary.failed.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            audit(caller, "reload", "models", failed.isEmpty ? "ok" : "partial")
            return .json(
                .ok,
                [
                    "generation": .number(Double(summary.generation)),
                    "loaded": .array(summary.loaded.sorted().map(JSONValue.string)),
                    "unloaded": .array(summary.unloaded.sorted().map(JSONValue.string)),
                    "failed": .object(failed),
                ])
        }
        add(&router, .POST, "/v1/models/{name}/versions/{version}/load", role: .admin, blocking: true) {
            [self] _, context, caller in
            let (name, version) = try nameAndVersion(context)
            return try administer(caller, "load", "\(name)/\(version)") { () throws(RegistryAdminError) in
                ModelDescription.status(try registry.load(model: name, version: version))
            }
        }
        add(&router, .POST, "/v1/models/{name}/versions/{version}/unload", role: .admin, blocking: true) {
            [self] _, context, caller in
            let (name, version) = try nameAndVersion(context)
            return try administer(caller, "unload", "\(name)/\(version)") { () throws(RegistryAdminError) in
                ModelDescription.status(try registry.unload(model: name, version: version))
            }
        }
        add(&router, .PUT, "/v1/models/{name}/aliases/{alias}", role: .admin, blocking: true) {
            [self] request, context, caller in
            let name = context.parameters["name"] ?? ""
            let alias = try aliasName(context)
            let body = try jsonBody(request)
            let version = try decoding { try body.require("version", at: "").int(at: "version") }
            let weight = try decoding { try body.optional("weight")?.double(at: "weight") }
            if alias == .canary, weight == nil {
                throw HTTPResponseError.badRequest("weight: required for the canary alias (0...1)")
            }
            return try administer(caller, "set_alias", "\(name)/\(alias.rawValue)=\(version)") {
                () throws(RegistryAdminError) in
                let result = try registry.setAlias(model: name, alias: alias, version: version, weight: weight)
                return ["aliases": result.aliases.json, "persisted": .bool(result.persisted)]
            }
        }
        add(&router, .DELETE, "/v1/models/{name}/aliases/{alias}", role: .admin, blocking: true) {
            [self] _, context, caller in
            let name = context.parameters["name"] ?? ""
            let alias = try aliasName(context)
            return try administer(caller, "clear_alias", "\(name)/\(alias.rawValue)") { () throws(RegistryAdminError) in
                let result = try registry.setAlias(model: name, alias: alias, version: nil)
                return ["aliases": result.aliases.json, "persisted": .bool(result.persisted)]
            }
        }
        add(&router, .POST, "/v1/models/{name}/rollback", role: .admin, blocking: true) { [self] _, context, caller in
            let name = context.parameters["name"] ?? ""
            return try administer(caller, "rollback", name) { () throws(RegistryAdminError) in
                let result = try registry.rollback(model: name)
                return [
                    "from_version": .string(String(result.from)), "to_version": .string(String(result.to)),
                    "persisted": .bool(result.persisted),
                ]
            }
        }
    }

    func modelEntry(_ context: RouteContext) throws(HTTPResponseError) -> ModelEntry {
        let name = context.parameters["name"] ?? ""
        guard let entry = registry.snapshot.models[name] else {
            throw HTTPResponseError.notFound("model_not_found", "model \"\(name)\" not found")
        }
        return entry
    }

    private func nameAndVersion(_ context: RouteContext) throws(HTTPResponseError) -> (String, Int) {
        let text = context.parameters["version"] ?? ""
        guard let version = ModelVersion.parse(text) else {
            throw HTTPResponseError.badRequest("version must be a positive integer, got \"\(text)\"")
        }
        return (context.parameters["name"] ?? "", version)
    }

    private func aliasName(_ context: RouteContext) throws(HTTPResponseError) -> ModelAliases.Name {
        let text = context.parameters["alias"] ?? ""
        guard let alias = ModelAliases.Name(rawValue: text) else {
            throw HTTPResponseError.notFound(
                "alias_not_found", "alias must be production, canary or shadow, got \"\(text)\"")
        }
        return alias
    }

    /// Runs an admin action, maps registry refusals to statuses and records the outcome in the audit log.
    private func administer(
        _ caller: Caller, _ action: String, _ target: String, _ body: () throws(RegistryAdminError) -> JSONValue
    ) throws(HTTPResponseError) -> HTTPResponse {
        do throws(RegistryAdminError) {
            let result = try body()
            audit(caller, action, target, "ok")
            return .json(.ok, result)
        } catch {
            audit(caller, action, target, "refused", ["reason": .string(error.description)])
            switch error {
            case .modelNotFound: throw HTTPResponseError.notFound("model_not_found", error.description)
            case .versionNotFound: throw HTTPResponseError.notFound("version_not_found", error.description)
            case .conflict: throw HTTPResponseError(.conflict, "conflict", error.description)
            case .loadFailed: throw HTTPResponseError(.unprocessableContent, "load_failed", error.description)
            case .invalidArgument: throw HTTPResponseError.badRequest(error.description)
            }
        }
    }

    func audit(_ caller: Caller, _ action: String, _ target: String, _ outcome: String, _ detail: JSONObject = [:]) {
        auditLog.record(
            actor: caller.identity, remote: caller.remote, action: action, target: target, outcome: outcome,
            detail: detail)
    }
}
