/// Incremental HTTP/1.1 request parser (RFC 9112): feed bytes as they arrive, pull complete requests.
///
/// It is strict where leniency enables request smuggling, like llhttp's strict mode: CRLF only (bare CR or
/// LF is rejected), no obs-fold, no whitespace before the colon, one consistent Content-Length,
/// Transfer-Encoding only as a final `chunked` and never together with Content-Length, no whitespace in
/// chunk-size lines, registered methods only, one Host, Authorization and Content-Type, and a target that
/// percent-decodes to UTF-8. Every limit is checked while bytes are still
/// arriving, so a partial request can never grow past `limits`. After an error the parser stays failed:
/// the server answers the error's status and closes the connection.
public struct HTTPRequestParser: Sendable {
    /// Where the parser is within the current request; the server picks its timeout from this.
    public enum Phase: Sendable, Equatable {
        case idle
        case head
        case body
    }

    enum State: Sendable {
        case requestLine
        case headerFields
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerFields
    }

    public let limits: HTTPParserLimits
    var buffer: [UInt8] = []
    var start = 0
    var scanned = 0
    var state = State.requestLine
    var failure: HTTPParseError?
    var head = PartialHead()

    /// The head being assembled and the body received so far.
    struct PartialHead: Sendable {
        var started = false
        var method = HTTPMethod.GET
        var target = ""
        var version = HTTPVersion.http1_1
        var headers = HTTPHeaders()
        var fieldBytes = 0
        var fieldCount = 0
        var fields = FramingFieldCounts()
        /// The first Content-Length value, read without a search when it is the only one.
        var contentLengthValue: String?
        var body: [UInt8] = []
        var expectsContinue = false
    }

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// Bytes received and not yet consumed.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Bytes of the request in progress the parser holds: unconsumed input plus the decoded body so far.
    /// The server charges these against its global budget for buffered request bytes.
    public var retainedByteCount: Int { bufferedByteCount + head.body.count }

    /// The path (target up to `?`) of the request in progress once its request line is parsed; an error
    /// answered mid-request can then be rendered for the route family it was addressed to.
    public var pathInProgress: Substring? {
        guard case .requestLine = state else { return head.target.split(separator: "?", maxSplits: 1).first }
        return nil
    }

    public var phase: Phase {
        switch state {
        case .requestLine: return head.started || bufferedByteCount > 0 ? .head : .idle
        case .headerFields: return .head
        default: return .body
        }
    }

    public mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        dropConsumed()
        buffer.append(contentsOf: bytes)
    }

    /// The same for bytes read from a socket: a concrete overload, so the server's call is a memcpy rather
    /// than an unspecialized generic append (this module's generics are not specialized across modules).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        dropConsumed()
        buffer.append(contentsOf: bytes.bindMemory(to: UInt8.self))
    }

    private mutating func dropConsumed() {
        guard start > 0 else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.removeSubrange(0..<start)
        }
        scanned -= start
        start = 0
    }

    /// The next event the buffered bytes allow, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPParserEvent? {
        if let failure { throw failure }
        do {
            return try advance()
        } catch {
            failure = error
            throw error
        }
    }

    private mutating func advance() throws(HTTPParseError) -> HTTPParserEvent? {
        while true {
            switch state {
            case .requestLine:
                if bufferedByteCount > 0 { head.started = true }
                guard let line = try nextLine(limit: limits.maxRequestLineBytes, overflow: Self.uriTooLong)
                else { return nil }
                if line.isEmpty { continue }  // RFC 9112 §2.2: ignore empty lines before a request line.
                try parseRequestLine(line)
                state = .headerFields
                head.headers.reserveCapacity(8)  // room for a usual request's fields, allocated once
            case .headerFields:
                let room = limits.maxHeaderBytes - head.fieldBytes
                guard let line = try nextLine(limit: room, overflow: Self.headersTooLarge) else { return nil }
                if !line.isEmpty {
                    let field = try parseField(line)
                    head.headers.add(field.name, field.value)
                    if let framing = field.field {
                        head.fields.add(framing)
                        if framing == .contentLength && head.contentLengthValue == nil {
                            head.contentLengthValue = field.value
                        }
                    }
                    continue
                }
                if let event = try finishHead() { return event }
            case .fixedBody(let remaining):
                guard bufferedByteCount >= remaining else { return nil }
                head.body = Array(buffer[start..<start + remaining])
                start += remaining
                // The body is consumed: the next line search starts after it, never inside it (a newline
                // in the body is data, not a line ending).
                scanned = start
                return .request(finishRequest())
            case .chunkSize, .chunkData, .chunkDataEnd, .trailerFields:
                guard try advanceChunked() else { return nil }
                return .request(finishRequest())
            }
        }
    }

    /// The next CRLF-terminated line without its CRLF, or nil if it has not fully arrived.
    mutating func nextLine(limit: Int, overflow: HTTPParseError) throws(HTTPParseError) -> ArraySlice<UInt8>? {
        let found = buffer.withUnsafeBufferPointer { ASCII.index(of: ASCII.lf, in: $0, from: scanned, to: $0.count) }
        guard let newline = found else {
            scanned = buffer.count
            if buffer.count - start > limit { throw overflow }
            return nil
        }
        if newline + 1 - start > limit { throw overflow }
        guard newline > start, buffer[newline - 1] == ASCII.cr else { throw .bad("bare LF in request") }
        let bareCR = buffer.withUnsafeBufferPointer { ASCII.index(of: ASCII.cr, in: $0, from: start, to: newline - 1) }
        if bareCR != nil { throw .bad("bare CR in request") }
        let line = buffer[start..<newline - 1]
        start = newline + 1
        scanned = start
        return line
    }

    mutating func finishRequest() -> HTTPRequest {
        let request = HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: head.headers, body: head.body)
        head = PartialHead()
        state = .requestLine
        return request
    }

    static let uriTooLong = HTTPParseError(.uriTooLong, code: "uri_too_long", "request line too long")
    static let headersTooLarge = HTTPParseError(
        .requestHeaderFieldsTooLarge, code: "header_fields_too_large", "header fields too large")
    static let contentTooLarge = HTTPParseError(.contentTooLarge, code: "content_too_large", "body too large")
}
