import HTTPCore
import HTTPRouting
import HTTPServer
import JSON

/// The authenticated caller of a route, for the audit log.
struct Caller: Sendable {
    let identity: String
    let remote: String
}

/// A route body: throws `HTTPResponseError` for answers other than success; anything else it throws
/// is a bug and becomes a 500 without details.
typealias ServiceHandler = @Sendable (HTTPRequest, RouteContext, Caller) throws -> HTTPResponse

/// Largest JSON nesting accepted in a request body.
private let maxRequestDepth = 32

/// The routes being registered.
struct ServiceRoutes {
    var router = Router<RouteHandler>()
}

extension RiskService {
    func makeRoutes() -> ServiceRoutes {
        var routes = ServiceRoutes()
        addProbeRoutes(to: &routes)
        addPredictRoutes(to: &routes)
        addModelRoutes(to: &routes)
        addTelemetryRoutes(to: &routes)
        addInferenceProtocolRoutes(to: &routes)
        addMonitoringRoutes(to: &routes)
        addIncidentRoutes(to: &routes)
        return routes
    }

    /// Registers a route behind access control. `role == nil` is open to anyone; `blocking` handlers
    /// (disk writes, model loads) run on the bounded worker pool, never on an event loop; `analytics`
    /// handlers (outcome joins, statistics over stored predictions) run on the low-priority analytics
    /// pool, so a burst of them yields the CPU to the loops and to the other workers.
    func add(
        _ routes: inout ServiceRoutes, _ method: HTTPMethod, _ template: String, role: Role?,
        blocking: Bool = false, analytics: Bool = false, _ handler: @escaping ServiceHandler
    ) {
        let pool = analytics ? self.analytics : blocking ? workers : nil
        let objective =
            analytics
            ? ServiceLevelObjectives.analyticsLatencyObjective
            : blocking ? ServiceLevelObjectives.blockingLatencyObjective : ServiceLevelObjectives.inlineLatencyObjective
        add(&routes, method, template, role: role, latencyObjective: objective, pool: { _ in pool }, handler)
    }

    /// As above, with the choice made per request (e.g. only large bodies go to the workers).
    func add(
        _ routes: inout ServiceRoutes, _ method: HTTPMethod, _ template: String, role: Role?,
        blocking: @escaping @Sendable (HTTPRequest) -> Bool, _ handler: @escaping ServiceHandler
    ) {
        let workers = self.workers
        add(
            &routes, method, template, role: role, latencyObjective: ServiceLevelObjectives.inlineLatencyObjective,
            pool: { blocking($0) ? workers : nil }, handler)
    }

    /// Registers a route whose handler runs on `pool(request)`, or inline on the loop when that is nil;
    /// its answers count in riskd's SLIs against `latencyObjective` seconds.
    private func add(
        _ routes: inout ServiceRoutes, _ method: HTTPMethod, _ template: String, role: Role?,
        latencyObjective: Double, pool: @escaping @Sendable (HTTPRequest) -> BlockingWorkers?,
        _ handler: @escaping ServiceHandler
    ) {
        let access = self.access
        let auditLog = self.auditLog
        let sli = slo.tracker(route: template, method: method.rawValue, latencyObjective: latencyObjective)
        routes.router.add(method, template) { request, context in
            let started = ContinuousClock.now
            var identity = "anonymous"
            if let role {
                switch access.authorize(request, needs: role) {
                case .success(let name): identity = name
                case .failure(let denial):
                    if role == .admin {
                        auditLog.recordDenial(
                            denial, route: "\(method.rawValue) \(template)", remote: context.request.remoteAddress)
                    }
                    return .immediate(denial.error.response)
                }
            }
            let caller = Caller(identity: identity, remote: context.request.remoteAddress)
            // A local function, not a closure value: called inline it needs no heap context; only handing
            // it to a pool makes one.
            @Sendable func run() -> HTTPResponse {
                let response: HTTPResponse
                do {
                    response = try handler(request, context, caller)
                } catch let error as HTTPResponseError {
                    response = error.response
                } catch {
                    response = .error(.internalServerError, code: "internal_error", message: "internal error")
                }
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                sli?.record(status: response.status.code, seconds: seconds)
                return response
            }
            guard let pool = pool(request) else { return .immediate(run()) }
            let future = pool.run(run)
            // A refusal by a full pool never ran `run`: it still counts as a 503 in the SLIs.
            if case .immediate(let refusal) = future { sli?.record(status: refusal.status.code, seconds: 0) }
            return future
        }
    }

    /// The request body as a JSON object, or a 400/415 that says what is wrong with it.
    func jsonBody(_ request: HTTPRequest) throws(HTTPResponseError) -> JSONObject {
        try requireJSONContentType(request)
        guard !request.body.isEmpty else {
            throw HTTPResponseError.badRequest("request body is empty; expected a JSON object")
        }
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: maxRequestDepth).parse(request.body)
        } catch {
            throw HTTPResponseError(.badRequest, "invalid_json", "request body is not valid JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw HTTPResponseError.badRequest("request body must be a JSON object, not \(value.typeName)")
        }
        return object
    }

    /// A body, when typed, must be JSON: 415 otherwise.
    func requireJSONContentType(_ request: HTTPRequest) throws(HTTPResponseError) {
        if let type = request.mediaType, type != "application/json" {
            throw HTTPResponseError(
                .unsupportedMediaType, "unsupported_media_type", "expected Content-Type: application/json")
        }
    }

    /// Runs path-aware JSON decoding, turning its errors into 400s that name the offending field.
    func decoding<T>(_ body: () throws -> T) throws(HTTPResponseError) -> T {
        do {
            return try body()
        } catch let error as HTTPResponseError {
            throw error
        } catch let error as JSONDecodingError {
            throw HTTPResponseError.badRequest(error.description)
        } catch {
            throw HTTPResponseError.badRequest("\(error)")
        }
    }
}

extension HTTPResponse {
    static func json(_ status: HTTPStatus = .ok, _ value: JSONValue) -> HTTPResponse {
        .json(status, value.serialized())
    }
}

extension RiskService {
    /// Every route as "METHOD /template", in registration order; the OpenAPI test compares it to the spec.
    public var routeTable: [String] {
        makeRoutes().router.routes.map { "\($0.method.rawValue) \($0.template)" }
    }
}
