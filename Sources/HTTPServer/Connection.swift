import HTTPCore

/// One client connection's state. Owned and touched only by its event loop's thread.
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
    }

    /// Why a connection's deadline exists; decides what happens when it passes.
    enum Timeout {
        case idle, header, body, response, write, linger
    }

    let fd: Int32
    let id: UInt64
    let remoteAddress: String
    var parser: HTTPRequestParser
    var slots: [Slot] = []
    var nextSequence: UInt64 = 0
    var output: [UInt8] = []
    var outputSent = 0
    var writeStartedAt: UInt64 = 0
    /// A response marked `Connection: close` is queued (or the peer half-closed): parse nothing more.
    var closeAfterFlush = false
    /// Write side shut down after the final response; reads are drained and discarded until EOF.
    var lingerDeadline: UInt64?
    var parserPhase = HTTPRequestParser.Phase.idle
    var phaseStartedAt: UInt64
    var idleSince: UInt64
    /// The earliest deadline queued for this connection in the loop's timer queue.
    var scheduledDeadline: UInt64?
    var interest: UInt32 = 0
    /// Counted in the open-connections limit (false for connections only being answered 503).
    let counted: Bool

    init(fd: Int32, id: UInt64, remoteAddress: String, limits: HTTPParserLimits, now: UInt64, counted: Bool) {
        self.fd = fd
        self.id = id
        self.remoteAddress = remoteAddress
        self.parser = HTTPRequestParser(limits: limits)
        self.phaseStartedAt = now
        self.idleSince = now
        self.counted = counted
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
        case .idle: return (idleSince + ServerState.nanoseconds(configuration.idleTimeout), .idle)
        }
    }
}
