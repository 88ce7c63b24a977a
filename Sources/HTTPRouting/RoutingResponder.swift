import Dispatch
import HTTPCore
import HTTPServer
import Log
import Metrics

/// A route handler: runs on an event-loop thread, so it must not block (see `HTTPResponder`).
public typealias RouteHandler = @Sendable (HTTPRequest, RouteContext) -> ResponseFuture

/// The routing and instrumentation layer every riskd endpoint goes through.
///
/// It answers 404 and 405 in the error envelope, serves HEAD with the GET handler, and measures every
/// request once, in one place: a latency histogram labelled by route template (never the raw path, to
/// bound cardinality), method and status; an in-flight gauge; and a `Server-Timing` header. Each
/// registered route's series are found in a table built at start (`RouteSeries`), without a lock.
public final class RoutingResponder: HTTPResponder {
    private let router: Router<RouteHandler>
    private let logger: Logger
    private let durations: MetricFamily<Histogram>
    private let inFlight: Gauge
    /// Template → the series of each method registered on it (HEAD shares GET's route).
    private let series: [String: [RouteSeries]]

    public init(router: Router<RouteHandler>, metrics: MetricsRegistry, logger: Logger) {
        self.router = router
        self.logger = logger
        durations = metrics.histogramFamily(
            "riskd_http_request_duration_seconds", help: "Time from a complete request to its response.",
            labelNames: ["route", "method", "status"])
        inFlight = metrics.gauge("riskd_http_requests_in_flight", help: "Requests being handled.")
        var series: [String: [RouteSeries]] = [:]
        for (method, template) in router.routes {
            for name in method == .GET ? ["GET", "HEAD"] : [method.rawValue] {
                series[template, default: []].append(RouteSeries(route: template, method: name, family: durations))
            }
        }
        self.series = series
    }

    public func respond(to request: HTTPRequest, context: RequestContext) -> ResponseFuture {
        let started = DispatchTime.now().uptimeNanoseconds
        inFlight.increment()
        let (route, future) = route(request, context: context)
        let method = HTTPMethod.standard.contains(request.method) ? request.method.rawValue : "other"
        switch future {
        case .immediate(let response):
            return .immediate(finish(response, route: route, method: method, started: started))
        case .deferred(let inner):
            let outer = ResponsePromise()
            inner.whenComplete { [self] outcome in
                switch outcome {
                case .response(let response):
                    outer.fulfill(finish(response, route: route, method: method, started: started))
                case .abandon:
                    observe(route: route, method: method, status: nil, started: started)
                    outer.abandonConnection()
                }
            }
            return .deferred(outer)
        }
    }

    /// The matched template (or "unmatched") and the handler's answer, or a 404/405 in the envelope.
    /// A method no route knows (standard or an extension such as QUERY or BREW) on an existing path is a
    /// 405 listing the allowed ones: the client's mistake, answered as such rather than with a 5xx.
    private func route(_ request: HTTPRequest, context: RequestContext) -> (String, ResponseFuture) {
        switch router.match(request.method, path: request.path) {
        case .found(let handler, let parameters, let template):
            let routeContext = RouteContext(request: context, parameters: parameters, template: template)
            return (template, handler(request, routeContext))
        case .methodNotAllowed(let allowed, let template):
            var response = HTTPResponse.error(
                .methodNotAllowed, code: "method_not_allowed", message: "\(request.method) is not allowed here")
            response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
            return (template, .immediate(response))
        case .notFound:
            return (
                "unmatched", .immediate(.error(.notFound, code: "not_found", message: "no route for \(request.path)"))
            )
        }
    }

    /// Records the measurements and stamps `Server-Timing: app;dur=<ms>`.
    private func finish(_ response: HTTPResponse, route: String, method: String, started: UInt64) -> HTTPResponse {
        let seconds = observe(route: route, method: method, status: response.status.code, started: started)
        if response.status.code >= 500 {
            logger.warning(
                "request failed",
                ["route": .string(route), "method": .string(method), "status": .number(Double(response.status.code))])
        }
        var stamped = response
        let milliseconds = (seconds * 1e6).rounded() / 1e3
        stamped.headers.add("Server-Timing", "app;dur=\(milliseconds)")
        return stamped
    }

    /// Ends the in-flight count and observes the latency; returns it in seconds.
    @discardableResult
    /// `status` nil: the connection was abandoned without a response.
    private func observe(route: String, method: String, status: Int?, started: UInt64) -> Double {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9
        inFlight.decrement()
        if let status, let known = series[route]?.first(where: { $0.method == method }) {
            known.histogram(status: status).observe(seconds)
        } else {
            durations.labels(route, method, status.map { String($0) } ?? "abandoned").observe(seconds)
        }
        return seconds
    }
}
