import HTTPCore

/// One client connection's state. Owned and touched only by its event loop's thread, so its properties opt out
/// of the runtime's exclusivity checks (`@exclusivity(unchecked)`): the loop never reaches a property again
/// while modifying it, and the checks cost about 2,000 instructions per request.
final class Connection {
    /// A response owed to the client, in request order (pipelining answers strictly in order).
    struct Slot {
        let sequence: UInt64
        /// `100 Continue` for a later request: written when reached, then dropped.
        let isInterim: Bool
        let headRequest: Bool
        let keepAlive: Bool
        let version: HTTPVersion
        let startedAt: UInt64
        var response: HTTPResponse?
        var abandoned = false
        /// The request's path when known, for the injected error renderer.
        var path: Substring?
    }

    /// Why a connection's deadline exists; decides what happens when it passes.
    enum Timeout {
        /// Nothing received since accept: closed without an answer at the header timeout (like nginx).
        case silent
        case idle, header, body, response, write, linger
    }

    /// Which listener admitted the connection and what it counts against.
    enum Admission {
        /// A client connection within `maxConnections`.
        case counted
        /// A connection over the limit, only being answered 503.
        case rejected
        /// A connection on the probe listener: serves only the probe paths, outside `maxConnections`.
        case probe
    }

    let fd: Int32
    let id: UInt64
    let remoteAddress: String
    @exclusivity(unchecked) var parser: HTTPRequestParser
    @exclusivity(unchecked) var slots: [Slot] = []
    @exclusivity(unchecked) var nextSequence: UInt64 = 0
    @exclusivity(unchecked) var output: [UInt8] = []
    @exclusivity(unchecked) var outputSent = 0
    @exclusivity(unchecked) var writeStartedAt: UInt64 = 0
    /// A response marked `Connection: close` is queued (or the peer half-closed): parse nothing more.
    @exclusivity(unchecked) var closeAfterFlush = false
    /// Write side shut down after the final response; reads are drained and discarded until EOF.
    @exclusivity(unchecked) var lingerDeadline: UInt64?
    @exclusivity(unchecked) var parserPhase = HTTPRequestParser.Phase.idle
    @exclusivity(unchecked) var phaseStartedAt: UInt64
    @exclusivity(unchecked) var idleSince: UInt64
    /// The earliest deadline queued for this connection in the loop's timer queue.
    @exclusivity(unchecked) var scheduledDeadline: UInt64?
    @exclusivity(unchecked) var interest: UInt32 = 0
    /// Queued in the loop's `deferredWrites` for the end of the current wake-up.
    @exclusivity(unchecked) var writeDeferred = false
    let admission: Admission
    /// True once a request (or its head) has been dispatched; until then an idle connection is "silent".
    @exclusivity(unchecked) var hasRequested = false
    /// Parser bytes charged against the server-wide budget for buffered request bytes.
    @exclusivity(unchecked) var chargedBytes = 0

    init(fd: Int32, id: UInt64, remoteAddress: String, limits: HTTPParserLimits, now: UInt64, admission: Admission) {
        self.fd = fd
        self.id = id
        self.remoteAddress = remoteAddress
        self.parser = HTTPRequestParser(limits: limits)
        self.phaseStartedAt = now
        self.idleSince = now
        self.admission = admission
    }

    var hasPendingOutput: Bool { outputSent < output.count }

    /// No request in progress and nothing owed: safe to close when draining or idle.
    var isIdle: Bool { slots.isEmpty && !hasPendingOutput && parser.phase == .idle }

    /// The next deadline and its kind, derived from the current state.
    func deadline(_ configuration: HTTPServerConfiguration) -> (at: UInt64, kind: Timeout) {
        if let lingerDeadline { return (lingerDeadline, .linger) }
        if hasPendingOutput {
            return (writeStartedAt + ServerState.nanoseconds(configuration.writeTimeout), .write)
        }
        if let waiting = slots.first(where: { $0.response == nil && !$0.isInterim && !$0.abandoned }) {
            return (waiting.startedAt + ServerState.nanoseconds(configuration.responseTimeout), .response)
        }
        switch parserPhase {
        case .head: return (phaseStartedAt + ServerState.nanoseconds(configuration.headerReadTimeout), .header)
        case .body: return (phaseStartedAt + ServerState.nanoseconds(configuration.bodyReadTimeout), .body)
        case .idle where !hasRequested:
            return (idleSince + ServerState.nanoseconds(configuration.headerReadTimeout), .silent)
        case .idle: return (idleSince + ServerState.nanoseconds(configuration.idleTimeout), .idle)
        }
    }
}
