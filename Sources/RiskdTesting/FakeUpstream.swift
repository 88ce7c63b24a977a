import Dispatch
import HTTPCore
import HTTPServer
import Log
import Metrics
import Synchronization

/// A real local HTTP server on 127.0.0.1:0 playing an external service (PagerDuty, Alertmanager, a
/// webhook receiver) with a scripted behaviour per request; it records every request it received.
///
/// Tests of outbound clients talk to it over real sockets instead of mocking our own client.
public final class FakeUpstream: Sendable {
    /// What to do with one request, chosen by the test from the request and its index.
    public enum Behaviour: Sendable {
        case respond(status: Int, body: String)
        /// Answers late without blocking the event loop (deferred, fulfilled from a dispatch queue).
        case delay(seconds: Double, then: HTTPResponse)
        /// Never answers (the client must time out).
        case hang
        /// Drops the connection without answering.
        case closeConnection
    }

    private let server: HTTPServer
    private let recorder: Recorder

    public init(_ behaviour: @escaping @Sendable (HTTPRequest, Int) -> Behaviour) throws {
        var configuration = HTTPServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.eventLoopCount = 1
        configuration.responseTimeout = 3600
        recorder = Recorder(behaviour: behaviour)
        server = HTTPServer(
            configuration: configuration, responder: recorder,
            logger: Logger(label: "fake-upstream", level: .critical), metrics: MetricsRegistry())
        try server.start()
    }

    public var port: Int { server.localPort }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public var requests: [HTTPRequest] { recorder.requests.withLock { $0 } }

    /// Polls until `count` requests have arrived or `timeout` seconds pass.
    public func waitForRequests(count: Int, timeout: Double) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeout) * 1e9)
        while recorder.requests.withLock({ $0.count }) < count {
            if DispatchTime.now().uptimeNanoseconds >= deadline { return false }
            _ = recorder.arrived.wait(timeout: .now() + .milliseconds(20))
        }
        return true
    }

    public func stop() {
        server.shutdown(gracePeriod: 0.2)
    }

    /// The responder: records, then plays the scripted behaviour.
    private final class Recorder: HTTPResponder {
        let behaviour: @Sendable (HTTPRequest, Int) -> Behaviour
        let requests = Mutex<[HTTPRequest]>([])
        let arrived = DispatchSemaphore(value: 0)

        init(behaviour: @escaping @Sendable (HTTPRequest, Int) -> Behaviour) {
            self.behaviour = behaviour
        }

        func respond(to request: HTTPRequest, context: RequestContext) -> ResponseFuture {
            let index = requests.withLock { requests in
                requests.append(request)
                return requests.count - 1
            }
            arrived.signal()
            switch behaviour(request, index) {
            case .respond(let status, let body):
                return .immediate(.json(HTTPStatus(code: status), Array(body.utf8)))
            case .delay(let seconds, let response):
                let promise = ResponsePromise()
                DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { promise.fulfill(response) }
                return .deferred(promise)
            case .hang:
                return .deferred(ResponsePromise())
            case .closeConnection:
                let promise = ResponsePromise()
                promise.abandonConnection()
                return .deferred(promise)
            }
        }
    }
}
