import Dispatch
import Foundation
import HTTPCore
import Log
import Metrics
import Synchronization

/// riskd's HTTP/1.1 server: epoll event loops on a few threads, each with its own SO_REUSEPORT listener.
///
/// The kernel spreads new connections over the loops' listeners; a connection then lives on one loop
/// for its whole life, so per-connection state needs no locks. Limits and timeouts come from
/// `HTTPServerConfiguration`; every one answers with the matching status and closes.
public final class HTTPServer: Sendable {
    private let state: ServerState
    private let running = Mutex(Running())
    private let threads = DispatchGroup()

    private struct Running {
        var inboxes: [LoopInbox] = []
        var port = 0
        var probePort: Int?
        var started = false
        var stopped = false
    }

    /// - Parameter errorRenderer: re-renders the body of every error answer (`HTTPResponse.problem`),
    ///   whether the responder or the server itself (limits, timeouts) produced it; nil keeps the default.
    public init(
        configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger, metrics: MetricsRegistry,
        errorRenderer: HTTPErrorRenderer? = nil
    ) {
        state = ServerState(
            configuration: configuration.sanitized, responder: responder, errorRenderer: errorRenderer, logger: logger,
            metrics: ServerMetrics(registry: metrics))
    }

    /// Binds one listener per loop and starts the loop threads. Throws `SystemCallError` if binding fails.
    public func start() throws {
        let configuration = state.configuration
        SystemCalls.ignoreBrokenPipeSignal()
        var opened: [Int32] = []
        var loops: [(listener: Int32, epoll: Int32, inbox: LoopInbox)] = []
        var port = configuration.port
        var probe: (fd: Int32, port: Int)?
        do {
            if let probePort = configuration.probePort {
                let listener = try SystemCalls.listen(host: configuration.host, port: probePort, backlog: 128)
                opened.append(listener.fd)
                probe = listener
            }
            for _ in 0..<configuration.eventLoopCount {
                let listener = try SystemCalls.listen(
                    host: configuration.host, port: port, backlog: configuration.backlog)
                opened.append(listener.fd)
                port = listener.port
                let epoll = try SystemCalls.epollCreate()
                opened.append(epoll)
                let wake = try SystemCalls.eventFD()
                opened.append(wake)
                loops.append((listener.fd, epoll, LoopInbox(wakeFD: wake)))
            }
        } catch {
            for fd in opened { SystemCalls.close(fd) }
            throw error
        }
        let probeListener = probe
        running.withLock {
            $0.inboxes = loops.map(\.inbox)
            $0.port = port
            $0.probePort = probeListener?.port
            $0.started = true
        }
        for (index, loop) in loops.enumerated() {
            threads.enter()
            let state = self.state
            let group = threads
            let thread = Thread {
                defer { group.leave() }
                do {
                    try EventLoop(
                        state: state, epollFD: loop.epoll, listenerFD: loop.listener,
                        probeListenerFD: index == 0 ? probeListener?.fd : nil, inbox: loop.inbox
                    ).run()
                } catch {
                    state.logger.critical("event loop failed to start", ["error": .string("\(error)")])
                }
            }
            thread.name = "http-loop-\(index)"
            thread.start()
        }
        if state.maxConnections < configuration.maxConnections {
            state.logger.warning(
                "max connections lowered to fit the open-file limit (RLIMIT_NOFILE)",
                [
                    "configured": .number(Double(configuration.maxConnections)),
                    "effective": .number(Double(state.maxConnections)),
                ])
        }
        state.logger.info(
            "HTTP server listening",
            [
                "host": .string(configuration.host), "port": .number(Double(port)),
                "loops": .number(Double(loops.count)),
                "probe_port": probeListener.map { .number(Double($0.port)) } ?? .null,
            ])
    }

    /// The bound port (the ephemeral one when configured with port 0); 0 before `start()`.
    public var localPort: Int { running.withLock { $0.port } }

    /// The bound probe port, or nil without a probe listener.
    public var probePort: Int? { running.withLock { $0.probePort } }

    public var openConnections: Int { state.openConnections.load(ordering: .relaxed) }

    /// The connection limit in force: the configured one, clamped to the descriptor limit.
    public var maxConnections: Int { state.maxConnections }

    /// Request bytes all connections currently buffer (against `maxInflightBodyBytes`).
    public var bufferedRequestBytes: Int { state.bufferedRequestBytes.load(ordering: .relaxed) }

    /// Step one of a graceful stop (SIGTERM): keep serving and accepting, but answer every response with
    /// `Connection: close`, so keep-alive clients move to a fresh connection (on another replica once the
    /// endpoints update) rather than having an idle connection closed under a request at shutdown.
    public func beginDrain() {
        let inboxes = running.withLock { $0.stopped ? [] : $0.inboxes }
        for inbox in inboxes { inbox.post(.disableKeepAlive) }
    }

    /// Closes the listeners; connections already open continue. Returns once every loop has done so.
    public func stopAccepting() {
        let inboxes = running.withLock { $0.stopped ? [] : $0.inboxes }
        let done = DispatchGroup()
        for inbox in inboxes {
            done.enter()
            if !inbox.post(.stopAccepting(done: { done.leave() })) { done.leave() }
        }
        _ = done.wait(timeout: .now() + 5)
    }

    /// Graceful stop: no new connections; in-flight requests finish and are answered `Connection: close`;
    /// idle keep-alive connections close at once; whatever remains after `gracePeriod` seconds is closed.
    /// Blocks until every loop thread has exited.
    public func shutdown(gracePeriod: Double) {
        let inboxes: [LoopInbox] = running.withLock {
            guard $0.started && !$0.stopped else { return [] }
            $0.stopped = true
            return $0.inboxes
        }
        guard !inboxes.isEmpty else { return }
        let deadline = DispatchTime.now().uptimeNanoseconds + ServerState.nanoseconds(gracePeriod)
        for inbox in inboxes { inbox.post(.shutdown(deadline: deadline)) }
        if threads.wait(timeout: .now() + max(0, gracePeriod) + 5) == .timedOut {
            state.logger.error("event loops did not stop after the grace period")
        }
    }
}
