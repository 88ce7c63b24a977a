import Dispatch
import HTTPCore
import HTTPRouting
import HTTPServer
import Log
import Metrics
import RiskdTesting

/// A real server on 127.0.0.1:0 with a few routes that exercise immediate and deferred responses.
final class TestServer {
    let server: HTTPServer
    let metrics = MetricsRegistry()
    let logs = RecordingLogSink()

    init(
        host: String = "127.0.0.1", configure: (inout HTTPServerConfiguration) -> Void = { _ in },
        errorRenderer: HTTPErrorRenderer? = nil
    ) throws {
        var configuration = HTTPServerConfiguration()
        configuration.host = host
        configuration.port = 0
        configuration.eventLoopCount = 2
        configure(&configuration)
        var router = Router<RouteHandler>()
        router.add(.GET, "/livez") { _, _ in .immediate(.text(.ok, "ok")) }
        router.add(.GET, "/readyz") { _, _ in .immediate(.text(.ok, "ready")) }
        router.add(.POST, "/echo") { request, _ in .immediate(HTTPResponse(status: .ok, body: request.body)) }
        router.add(.GET, "/items/{id}") { _, context in
            .immediate(.text(.ok, "item \(context.parameters["id"] ?? "")"))
        }
        router.add(.GET, "/slow/{milliseconds}") { _, context in
            let promise = ResponsePromise()
            let delay = Int(context.parameters["milliseconds"] ?? "") ?? 0
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) {
                promise.fulfill(.text(.ok, "slept \(delay)"))
            }
            return .deferred(promise)
        }
        router.add(.GET, "/whoami") { _, context in .immediate(.text(.ok, context.request.remoteAddress)) }
        router.add(.GET, "/bytes/{count}") { _, context in
            let count = Int(context.parameters["count"] ?? "") ?? 0
            return .immediate(HTTPResponse(status: .ok, body: [UInt8](repeating: 0x61, count: count)))
        }
        // Blocks its event loop on purpose, so a test can queue events behind it in a known order.
        router.add(.GET, "/block/{milliseconds}") { _, context in
            let delay = Int(context.parameters["milliseconds"] ?? "") ?? 0
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(delay))
            return .immediate(.text(.ok, "blocked \(delay)"))
        }
        router.add(.GET, "/never") { _, _ in .deferred(ResponsePromise()) }
        let logger = Logger(label: "test", level: .debug, sink: logs)
        server = HTTPServer(
            configuration: configuration,
            responder: RoutingResponder(router: router, metrics: metrics, logger: logger), logger: logger,
            metrics: metrics, errorRenderer: errorRenderer)
        try server.start()
    }

    var port: Int { server.localPort }

    /// Holds the server's loop (a test configures one) for `milliseconds` from a connection of its own, and
    /// returns that connection once the loop is busy with it: requests sent meanwhile queue up unread.
    func blockLoop(milliseconds: Int) throws -> TestHTTPClient {
        let blocker = try TestHTTPClient(port: port)
        try blocker.send("GET /block/\(milliseconds) HTTP/1.1\r\nHost: h\r\n\r\n")
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(100))
        return blocker
    }

    deinit {
        server.shutdown(gracePeriod: 0.2)
    }
}
