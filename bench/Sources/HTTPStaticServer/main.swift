// A tiny server on riskd's HTTPServer answering a static body, for bench/http/run.py to compare with nginx.
// Requests go through RoutingResponder, so the measurement includes routing and latency instrumentation.
// Usage: HTTPStaticServer <port> [event-loops]
import Foundation
import HTTPCore
import HTTPRouting
import HTTPServer
import Log
import Metrics

let arguments = CommandLine.arguments
var configuration = HTTPServerConfiguration()
configuration.host = "127.0.0.1"
configuration.port = arguments.count > 1 ? Int(arguments[1]) ?? 8080 : 8080
if arguments.count > 2, let loops = Int(arguments[2]) { configuration.eventLoopCount = loops }
configuration.maxConnections = 10_000

let body = Array("hello from riskd\n".utf8)
var router = Router<RouteHandler>()
router.add(.GET, "/") { _, _ in .immediate(HTTPResponse(status: .ok, body: body)) }
router.add(.GET, "/livez") { _, _ in .immediate(.text(.ok, "ok\n")) }
let metrics = MetricsRegistry()
let logger = Logger(label: "bench", level: .warning)
let server = HTTPServer(
    configuration: configuration, responder: RoutingResponder(router: router, metrics: metrics, logger: logger),
    logger: logger, metrics: metrics)
try server.start()
FileHandle.standardOutput.write(Data("listening on \(server.localPort)\n".utf8))
dispatchMain()
