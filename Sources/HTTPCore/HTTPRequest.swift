/// A complete request as the parser delivers it to a responder: head plus the whole (bounded) body.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The raw request-target as received.
    public var target: String
    /// The target up to `?`, not percent-decoded (routing decodes per segment).
    public var path: String
    /// The raw text after `?`, if any.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: HTTPMethod, target: String, version: HTTPVersion, headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        if let offset = ASCII.firstOffset(of: UInt8(ascii: "?"), in: target) {
            let question = target.utf8.index(target.utf8.startIndex, offsetBy: offset)
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = target
            query = nil
        }
    }

    /// Query parameters in order, percent-decoded with `+` as space (HTML form encoding).
    public var queryItems: [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? String(parts[1]) : ""
            return (
                name: PercentDecoding.decode(String(parts[0]), plusAsSpace: true),
                value: PercentDecoding.decode(value, plusAsSpace: true)
            )
        }
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// The `Content-Type` media type as `type/subtype`, lower-cased, parameters dropped; nil without the
    /// header. Compare it for equality: a prefix test would let `application/jsonx` pass as JSON.
    public var mediaType: String? {
        guard let value = headers["Content-Type"] else { return nil }
        guard let semicolon = ASCII.firstOffset(of: UInt8(ascii: ";"), in: value) else {
            return ASCII.loweredTrimmingOWS(value)
        }
        let bytes = value.utf8
        return ASCII.loweredTrimmingOWS(bytes[..<bytes.index(bytes.startIndex, offsetBy: semicolon)])
    }

    /// Whether the client wants the connection kept open after this exchange (RFC 9112 §9.3).
    public var wantsKeepAlive: Bool {
        let options = headers.listElements(of: "Connection")
        if options.contains("close") { return false }
        return version == .http1_1 || options.contains("keep-alive")
    }
}
