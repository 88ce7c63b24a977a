import Dispatch
import Foundation
import HTTPCore
import TimeFormat

/// One event-loop thread: its own epoll set, SO_REUSEPORT listener, connections and timers.
///
/// Nothing here is shared: other threads reach the loop only through its `LoopInbox`. The loop sleeps in
/// epoll_wait until a socket is ready, a message arrives (eventfd) or the nearest deadline passes. Being
/// confined to its thread, its properties opt out of the runtime's exclusivity checks, as `Connection`'s do.
final class EventLoop {
    let state: ServerState
    let configuration: HTTPServerConfiguration
    let epollFD: Int32
    @exclusivity(unchecked) var listenerFD: Int32?
    /// The probe listener (only on the first loop, when configured).
    @exclusivity(unchecked) var probeListenerFD: Int32?
    let inbox: LoopInbox
    @exclusivity(unchecked) var connections: [UInt64: Connection] = [:]
    @exclusivity(unchecked) var timers = TimerQueue()
    @exclusivity(unchecked) var now: UInt64 = DispatchTime.now().uptimeNanoseconds
    /// The IMF-fixdate for `Date`, re-rendered when the wall-clock second changes.
    @exclusivity(unchecked) var date = ""
    @exclusivity(unchecked) private var dateSecond = -1
    /// Set by a shutdown message: uptime nanoseconds after which remaining connections are force-closed.
    @exclusivity(unchecked) var drainDeadline: UInt64?
    /// Set when draining begins (SIGTERM), before the listener closes: every response from then on carries
    /// `Connection: close`, so keep-alive clients reconnect instead of losing a request at shutdown.
    @exclusivity(unchecked) var keepAliveDisabled = false
    /// No more keep-alive: draining has begun or the listener is closing.
    var closingConnections: Bool { keepAliveDisabled || drainDeadline != nil }
    /// Connections over the limit still being answered 503; beyond `maxRejecting` they are closed unanswered.
    @exclusivity(unchecked) var rejecting = 0
    static let maxRejecting = 256
    /// After an accept failure (e.g. EMFILE) the listener is paused until then, instead of spinning on it.
    @exclusivity(unchecked) var acceptPausedUntil: UInt64?
    /// Accept failures repeat on every wake-up while they last (EMFILE): log them at most once a minute.
    @exclusivity(unchecked) var acceptWarnings = WarningRateLimiter(intervalNanoseconds: 60_000_000_000)
    /// Responses answered while a wake-up's events are handled are sent together (see `deferWrite`):
    /// the connections waiting to send, the list being sent, and when the oldest began to wait.
    @exclusivity(unchecked) var deferredWrites: [Connection] = []
    @exclusivity(unchecked) var sendingWrites: [Connection] = []
    @exclusivity(unchecked) var deferredSince: UInt64 = 0
    @exclusivity(unchecked) var handlingEvents = false
    @exclusivity(unchecked) var sendingDeferredWrites = false
    /// Reused for every read: a connection only keeps what the parser has not consumed.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    init(state: ServerState, epollFD: Int32, listenerFD: Int32, probeListenerFD: Int32?, inbox: LoopInbox)
        throws(SystemCallError)
    {
        self.state = state
        self.configuration = state.configuration
        self.epollFD = epollFD
        self.listenerFD = listenerFD
        self.probeListenerFD = probeListenerFD
        self.inbox = inbox
        try SystemCalls.epollControl(
            epollFD, SystemCalls.epollAdd, fd: listenerFD, events: SystemCalls.readable,
            token: ServerState.listenerToken)
        if let probeListenerFD {
            try SystemCalls.epollControl(
                epollFD, SystemCalls.epollAdd, fd: probeListenerFD, events: SystemCalls.readable,
                token: ServerState.probeListenerToken)
        }
        try SystemCalls.epollControl(
            epollFD, SystemCalls.epollAdd, fd: inbox.wakeFD, events: SystemCalls.readable,
            token: ServerState.wakeToken)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Runs until a shutdown has drained every connection (or its grace period ended).
    func run() {
        refreshClock()
        while !drained {
            var timeout: Int32 = -1
            if let next = Self.earliest(Self.earliest(timers.nextDeadline, drainDeadline), acceptPausedUntil) {
                timeout = next <= now ? 0 : Int32(min((next - now) / 1_000_000 + 1, 60_000))
            }
            do {
                var clockFresh = false
                _ = try SystemCalls.epollWait(epollFD, capacity: 256, timeoutMilliseconds: timeout) { events, token in
                    if !clockFresh {  // once per batch, after the wait
                        refreshClock()
                        clockFresh = true
                        handlingEvents = true
                    }
                    handle(events: events, token: token)
                }
            } catch {
                state.logger.error("epoll_wait failed", ["error": .string(error.description)])
                break
            }
            handlingEvents = false
            sendDeferredWrites()
            refreshClock()
            fireTimers()
            resumeAcceptingIfDue()
        }
        for connection in Array(connections.values) { close(connection) }
        closeListener()
        for case .stopAccepting(let done) in inbox.close() { done() }
        SystemCalls.close(epollFD)
    }

    /// The earlier of two optional deadlines (computed per wake-up without building an array).
    private static func earliest(_ first: UInt64?, _ second: UInt64?) -> UInt64? {
        guard let first else { return second }
        guard let second else { return first }
        return min(first, second)
    }

    /// Draining is over once only lingering connections remain, or the grace period has passed.
    private var drained: Bool {
        guard let drainDeadline else { return false }
        return now >= drainDeadline || connections.values.allSatisfy { $0.lingerDeadline != nil }
    }

    private func refreshClock() {
        now = DispatchTime.now().uptimeNanoseconds
        let seconds = Date().timeIntervalSince1970
        if Int(seconds) != dateSecond {
            dateSecond = Int(seconds)
            date = UTCDateTime(unixSeconds: seconds.rounded(.down)).imfFixdate
        }
    }

    private func handle(events: UInt32, token: UInt64) {
        switch token {
        case ServerState.listenerToken: acceptConnections()
        case ServerState.probeListenerToken: acceptProbeConnections()
        case ServerState.wakeToken:
            SystemCalls.eventFDDrain(inbox.wakeFD)
            for message in inbox.takeAll() { receive(message) }
        default:
            guard let connection = connections[token] else { return }
            if events & SystemCalls.writable != 0 { writeOutput(connection) }
            if events & (SystemCalls.readable | SystemCalls.hangUp) != 0, connections[token] != nil {
                readInput(connection)
            }
        }
    }

    private func receive(_ message: LoopInbox.Message) {
        switch message {
        case .complete(let connectionID, let sequence, let outcome):
            guard let connection = connections[connectionID] else { return }
            complete(connection, sequence: sequence, outcome: outcome)
        case .stopAccepting(let done):
            closeListener()
            done()
        case .disableKeepAlive:
            keepAliveDisabled = true
        case .shutdown(let deadline):
            closeListener()
            drainDeadline = deadline
            for connection in Array(connections.values) where connection.isIdle && connection.lingerDeadline == nil {
                closeIdleGracefully(connection)
            }
        }
    }

    /// Reads what already arrived before closing: a request that raced the shutdown is answered (with
    /// `Connection: close`) rather than reset; a connection still idle gets a FIN, then a short linger.
    private func closeIdleGracefully(_ connection: Connection) {
        readInput(connection)
        guard connections[connection.id] != nil, connection.isIdle, connection.lingerDeadline == nil else { return }
        connection.closeAfterFlush = true
        linger(connection)
    }

    private func closeListener() {
        for listener in listeners {
            try? SystemCalls.epollControl(
                epollFD, SystemCalls.epollDelete, fd: listener.fd, events: 0, token: listener.token)
            SystemCalls.close(listener.fd)
        }
        listenerFD = nil
        probeListenerFD = nil
    }

    /// Accepts what is pending (bounded per wake-up for fairness); over the limit, answers 503 and closes.
    private func acceptConnections() {
        guard let listenerFD else { return }
        for _ in 0..<64 {
            let accepted: (fd: Int32, remote: String)?
            do {
                accepted = try SystemCalls.accept(listenerFD)
            } catch {
                warnAcceptFailed(error)
                pauseAccepting()
                return
            }
            guard let (fd, remote) = accepted else { return }
            let open = state.openConnections.add(1, ordering: .relaxed).newValue
            let admitted = open <= state.maxConnections && drainDeadline == nil
            if !admitted {
                state.openConnections.subtract(1, ordering: .relaxed)
                state.metrics.connectionsRejected.increment()
                guard rejecting < Self.maxRejecting else {
                    SystemCalls.close(fd)
                    continue
                }
            }
            guard let connection = register(fd: fd, remote: remote, admission: admitted ? .counted : .rejected) else {
                if admitted { state.openConnections.subtract(1, ordering: .relaxed) }
                continue
            }
            if admitted {
                state.metrics.connectionsTotal.increment()
                state.metrics.connectionsOpen.increment()
                schedule(connection)
            } else {
                rejecting += 1
                reject(connection)
            }
        }
    }

    /// Accepts probe connections up to `maxProbeConnections`; beyond it they are closed at once.
    private func acceptProbeConnections() {
        guard let probeListenerFD else { return }
        for _ in 0..<16 {
            let accepted: (fd: Int32, remote: String)?
            do {
                accepted = try SystemCalls.accept(probeListenerFD)
            } catch {
                warnAcceptFailed(error)
                pauseAccepting()
                return
            }
            guard let (fd, remote) = accepted else { return }
            guard state.openProbeConnections.add(1, ordering: .relaxed).newValue <= configuration.maxProbeConnections
            else {
                state.openProbeConnections.subtract(1, ordering: .relaxed)
                SystemCalls.close(fd)
                continue
            }
            guard let connection = register(fd: fd, remote: remote, admission: .probe) else {
                state.openProbeConnections.subtract(1, ordering: .relaxed)
                continue
            }
            schedule(connection)
        }
    }

    /// Adds an accepted socket to the epoll set and the connection table; nil (socket closed) on failure.
    private func register(fd: Int32, remote: String, admission: Connection.Admission) -> Connection? {
        let connection = Connection(
            fd: fd, id: state.nextConnectionID(), remoteAddress: remote, limits: configuration.parserLimits,
            now: now, admission: admission)
        do {
            try SystemCalls.epollControl(
                epollFD, SystemCalls.epollAdd, fd: fd, events: SystemCalls.readable, token: connection.id)
        } catch {
            SystemCalls.close(fd)
            return nil
        }
        connection.interest = SystemCalls.readable
        connections[connection.id] = connection
        return connection
    }

    private func warnAcceptFailed(_ error: SystemCallError) {
        guard let suppressed = acceptWarnings.admit(now: now) else { return }
        state.logger.warning(
            "accept failed; pausing accepts",
            ["error": .string(error.description), "suppressed_since_last": .number(Double(suppressed))])
    }

    /// The listeners this loop owns, with their epoll tokens.
    private var listeners: [(fd: Int32, token: UInt64)] {
        [(listenerFD, ServerState.listenerToken), (probeListenerFD, ServerState.probeListenerToken)].compactMap {
            pair in pair.0.map { (fd: $0, token: pair.1) }
        }
    }

    /// Stops watching the listeners for 100 ms: while accept fails (EMFILE) they stay readable.
    private func pauseAccepting() {
        guard acceptPausedUntil == nil else { return }
        for listener in listeners {
            try? SystemCalls.epollControl(
                epollFD, SystemCalls.epollModify, fd: listener.fd, events: 0, token: listener.token)
        }
        acceptPausedUntil = now + 100_000_000
    }

    private func resumeAcceptingIfDue() {
        guard let until = acceptPausedUntil, now >= until else { return }
        acceptPausedUntil = nil
        for listener in listeners {
            try? SystemCalls.epollControl(
                epollFD, SystemCalls.epollModify, fd: listener.fd, events: SystemCalls.readable, token: listener.token)
        }
    }

    /// Over the connection limit: a 503 in the error envelope, then a lingering close.
    private func reject(_ connection: Connection) {
        connection.closeAfterFlush = true
        HTTPResponseSerializer.write(
            .overloaded(code: "too_many_connections", message: "connection limit reached"), version: .http1_1,
            keepAlive: false, headRequest: false, date: date, into: &connection.output)
        connection.writeStartedAt = now
        writeOutput(connection)
    }

    /// Pops every due timer; a connection whose deadline moved later is re-queued, otherwise it times out.
    private func fireTimers() {
        while let due = timers.popDue(now: now) {
            guard let connection = connections[due.connectionID] else { continue }
            if connection.scheduledDeadline == due.deadline { connection.scheduledDeadline = nil }
            let deadline = connection.deadline(configuration)
            if deadline.at <= now {
                timeOut(connection, kind: deadline.kind)
            } else {
                schedule(connection)
            }
        }
    }

    /// Queues the connection's current deadline if it is earlier than what is already queued.
    func schedule(_ connection: Connection) {
        let deadline = connection.deadline(configuration).at
        if let scheduled = connection.scheduledDeadline, scheduled <= deadline { return }
        connection.scheduledDeadline = deadline
        timers.schedule(deadline, connectionID: connection.id)
    }

    func close(_ connection: Connection) {
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        SystemCalls.close(connection.fd)
        connection.parser = HTTPRequestParser(limits: configuration.parserLimits)
        _ = chargeBufferedBytes(connection)
        switch connection.admission {
        case .counted:
            state.openConnections.subtract(1, ordering: .relaxed)
            state.metrics.connectionsOpen.decrement()
        case .rejected:
            rejecting -= 1
        case .probe:
            state.openProbeConnections.subtract(1, ordering: .relaxed)
        }
    }
}
