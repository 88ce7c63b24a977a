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
    /// Per route (an index in `router.routes`): the series of its method and, for a GET route, of HEAD,
    /// which the GET handler also answers. A matched request finds its series by index, not by template.
    private let series: [(own: RouteSeries, head: RouteSeries?)]

    /// Where a request's latency goes: the route's series when it has one, otherwise the family, labelled.
    private struct Destination {
        let route: String
        let series: RouteSeries?
    }

    public init(router: Router<RouteHandler>, metrics: MetricsRegistry, logger: Logger) {
        self.router = router
        self.logger = logger
        durations = metrics.histogramFamily(
            "riskd_http_request_duration_seconds", help: "Time from a complete request to its response.",
            labelNames: ["route", "method", "status"])
        inFlight = metrics.gauge("riskd_http_requests_in_flight", help: "Requests being handled.")
        series = router.routes.map { [durations] method, template in
            (
                own: RouteSeries(route: template, method: method.rawValue, family: durations),
                head: method == .GET ? RouteSeries(route: template, method: "HEAD", family: durations) : nil
            )
        }
    }

    public func respond(to request: HTTPRequest, context: RequestContext) -> ResponseFuture {
        let started = DispatchTime.now().uptimeNanoseconds
        inFlight.increment()
        let method = HTTPMethod.standard.contains(request.method) ? request.method.rawValue : "other"
        let (route, future) = route(request, method: method, context: context)
        // Consumed so the response is uniquely owned when Server-Timing is added (no header copy).
        switch consume future {
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

    /// The matched template (or "unmatched") with its series, and the handler's answer, or a 404/405 in
    /// the envelope. A method no route knows (standard or an extension such as QUERY or BREW) on an
    /// existing path is a 405 listing the allowed ones: the client's mistake, answered as such rather than
    /// with a 5xx. `method` is the metrics label of the request's method.
    private func route(_ request: HTTPRequest, method: String, context: RequestContext) -> (
        Destination, ResponseFuture
    ) {
        switch router.matchRoute(request.method, path: request.path) {
        case .found(let index, let parameters, let template):
            let routeContext = RouteContext(request: context, parameters: parameters, template: template)
            let routeSeries = series[index]
            let known =
                routeSeries.own.method == method ? routeSeries.own : method == "HEAD" ? routeSeries.head : nil
            let answer = router.handler(ofRoute: index)(request, routeContext)
            return (Destination(route: template, series: known), answer)
        case .methodNotAllowed(let allowed, let template):
            var response = HTTPResponse.error(
                .methodNotAllowed, code: "method_not_allowed", message: "\(request.method) is not allowed here")
            response.headers.set("Allow", allowed.map(\.rawValue).joined(separator: ", "))
            return (Destination(route: template, series: nil), .immediate(response))
        case .notFound:
            return (
                Destination(route: "unmatched", series: nil),
                .immediate(.error(.notFound, code: "not_found", message: "no route for \(request.path)"))
            )
        }
    }

    /// Records the measurements and stamps `Server-Timing: app;dur=<ms>`.
    private func finish(_ response: consuming HTTPResponse, route: Destination, method: String, started: UInt64)
        -> HTTPResponse
    {
        let seconds = observe(route: route, method: method, status: response.status.code, started: started)
        if response.status.code >= 500 {
            logger.warning(
                "request failed",
                [
                    "route": .string(route.route), "method": .string(method),
                    "status": .number(Double(response.status.code)),
                ])
        }
        response.headers.add("Server-Timing", ServerTiming.value(seconds: seconds))
        return response
    }

    /// Ends the in-flight count and observes the latency; returns it in seconds.
    @discardableResult
    /// `status` nil: the connection was abandoned without a response.
    private func observe(route: Destination, method: String, status: Int?, started: UInt64) -> Double {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9
        inFlight.decrement()
        if let status, let known = route.series {
            known.histogram(status: status).observe(seconds)
        } else {
            durations.labels(route.route, method, status.map { String($0) } ?? "abandoned").observe(seconds)
        }
        return seconds
    }
}
