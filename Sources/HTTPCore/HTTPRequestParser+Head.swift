extension HTTPRequestParser {
    /// `method SP request-target SP HTTP-version` (RFC 9112 §3).
    mutating func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) {
        // Exactly three parts separated by single spaces, found by index so no part is copied.
        let spaces = line.withUnsafeBufferPointer { bytes -> (first: Int, second: Int)? in
            guard let first = ASCII.index(of: ASCII.space, in: bytes, from: 0, to: bytes.count),
                let second = ASCII.index(of: ASCII.space, in: bytes, from: first + 1, to: bytes.count),
                ASCII.index(of: ASCII.space, in: bytes, from: second + 1, to: bytes.count) == nil
            else { return nil }
            return (first, second)
        }
        guard let spaces else { throw .bad("malformed request line") }
        let firstSpace = line.startIndex + spaces.first
        let secondSpace = line.startIndex + spaces.second
        let method = line[..<firstSpace]
        let target = line[(firstSpace + 1)..<secondSpace]
        guard !method.isEmpty, !target.isEmpty else { throw .bad("malformed request line") }
        guard method.withUnsafeBufferPointer({ $0.allSatisfy(ASCII.isTokenCharacter) }) else {
            throw .bad("invalid method")
        }
        guard target.withUnsafeBufferPointer({ $0.allSatisfy { $0 > 0x20 && $0 < 0x7F } }) else {
            throw .bad("invalid request target")
        }
        head.method = HTTPMethod(rawValue: String(decoding: method, as: UTF8.self))
        head.version = try Self.parseVersion(line[(secondSpace + 1)...])
        // A method token outside the registered set is rejected before any routing, as llhttp's strict mode
        // does, so it never reaches a handler or reads as a missing route (404). Methods are case-sensitive.
        // 400 rather than RFC 9110's suggested 501: the request is the client's to fix, and a 5xx would count
        // against riskd's availability and invite retries.
        guard HTTPMethod.standard.contains(head.method) else {
            throw HTTPParseError(.badRequest, code: "unknown_method", "unknown request method \(head.method)")
        }
        head.target = try Self.originForm(String(decoding: target, as: UTF8.self), method: head.method)
        // Origin-form leaves the bytes as they were, and without a `%` there is nothing to decode.
        if target.contains(UInt8(ascii: "%")) { try Self.checkPercentEncoding(head.target) }
    }

    /// Path and query must decode to UTF-8: `%FF` would otherwise be replaced by U+FFFD, so distinct ids
    /// would collide. Malformed escapes (`%zz`) are rejected too (RFC 3986 §2.1).
    static func checkPercentEncoding(_ target: String) throws(HTTPParseError) {
        guard PercentDecoding.decodeStrictly(target) != nil else {
            throw HTTPParseError(
                .badRequest, code: "invalid_percent_encoding",
                "request target is not valid UTF-8 after percent-decoding")
        }
    }

    /// `HTTP/DIGIT.DIGIT`: other majors are 505; a higher 1.x minor is served as 1.1 (RFC 9110 §2.5).
    static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        let text = bytes.startIndex
        guard bytes.count == 8, bytes[text] == UInt8(ascii: "H"), bytes[text + 1] == UInt8(ascii: "T"),
            bytes[text + 2] == UInt8(ascii: "T"), bytes[text + 3] == UInt8(ascii: "P"),
            bytes[text + 4] == UInt8(ascii: "/"), bytes[text + 6] == UInt8(ascii: "."),
            let major = ASCII.decimalValue(bytes[text + 5]), let minor = ASCII.decimalValue(bytes[text + 7])
        else { throw .bad("malformed HTTP version") }
        guard major == 1 else {
            throw HTTPParseError(
                .httpVersionNotSupported, code: "http_version_not_supported", "only HTTP/1.x is supported")
        }
        return minor == 0 ? .http1_0 : .http1_1
    }

    /// Origin-form as is, absolute-form reduced to its path and query, `*` only for OPTIONS.
    static func originForm(_ target: String, method: HTTPMethod) throws(HTTPParseError) -> String {
        if target.hasPrefix("/") { return target }
        if target == "*" && method == .OPTIONS { return target }
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let rest = target.dropFirst(scheme.count)
            guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            let suffix = String(rest[slash...])
            return suffix.hasPrefix("/") ? suffix : "/" + suffix
        }
        throw .bad("unsupported request target form")
    }

    /// `field-name ":" OWS field-value OWS` (RFC 9112 §5), counted against the header limits; `field` says
    /// which of the fields the framing checks read it is, recognised from the bytes once.
    mutating func parseField(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (
        name: String, value: String, field: FramingField?
    ) {
        head.fieldCount += 1
        head.fieldBytes += line.count + 2
        if head.fieldCount > limits.maxHeaderCount { throw Self.headersTooLarge }
        if head.fieldBytes > limits.maxHeaderBytes { throw Self.headersTooLarge }
        guard let first = line.first, first != ASCII.space, first != ASCII.tab else {
            throw .bad("obsolete line folding is not accepted")
        }
        let parts = try line.withUnsafeBufferPointer(Self.fieldParts).get()
        let name = line[line.startIndex..<line.startIndex + parts.colon]
        let value = line[line.startIndex + parts.value.lowerBound..<line.startIndex + parts.value.upperBound]
        let field = FramingField(name)
        // The usual JSON media type shares one immortal string instead of a heap copy per request.
        let text =
            field == .contentType
                && value.withUnsafeBufferPointer { bytes in
                    ASCII.withBytes(Self.jsonMediaType) { ASCII.equal(bytes, $0) }
                }
            ? Self.jsonMediaType : String(decoding: value, as: UTF8.self)
        return (String(decoding: name, as: UTF8.self), text, field)
    }

    static let jsonMediaType = "application/json"

    /// Where the colon is and the OWS-trimmed value lies within a field line (not starting with
    /// whitespace), once the name is checked to be a token and the value to hold only field characters.
    private static func fieldParts(_ line: UnsafeBufferPointer<UInt8>) -> Result<
        (colon: Int, value: Range<Int>), HTTPParseError
    > {
        guard let colon = ASCII.index(of: ASCII.colon, in: line, from: 0, to: line.count), colon > 0 else {
            return .failure(.bad("malformed header field"))
        }
        for index in 0..<colon where !ASCII.isTokenCharacter(line[index]) {
            return .failure(.bad("invalid header field name"))
        }
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == ASCII.space || line[start] == ASCII.tab { start += 1 }
        while end > start, line[end - 1] == ASCII.space || line[end - 1] == ASCII.tab { end -= 1 }
        for index in start..<end where !ASCII.isFieldValueCharacter(line[index]) {
            return .failure(.bad("invalid character in header value"))
        }
        return .success((colon: colon, value: start..<end))
    }

    /// Decides how the body is framed (RFC 9112 §6.3) once the head is complete. The framing fields were
    /// counted as they arrived (`head.fields`), so a field that is absent costs no scan of the headers.
    mutating func finishHead() throws(HTTPParseError) -> HTTPParserEvent? {
        let fields = head.fields
        if head.version == .http1_1 && fields.host != 1 {
            throw .bad("HTTP/1.1 requires exactly one Host header")
        }
        // Fields whose repetition makes the request ambiguous (RFC 9110 §5.3): which credentials or media
        // type applies would depend on which copy a component reads. Host is checked above.
        if fields.authorization > 1 { throw .bad("more than one Authorization header") }
        if fields.contentType > 1 { throw .bad("more than one Content-Type header") }
        if fields.transferEncoding > 0 {
            let codings = head.headers.listElements(of: "Transfer-Encoding")
            guard fields.contentLength == 0 else { throw .bad("both Transfer-Encoding and Content-Length") }
            guard head.version == .http1_1 else { throw .bad("Transfer-Encoding in an HTTP/1.0 request") }
            // RFC 9112 §6.3: when chunked is not the final coding the length cannot be known: 400 and close.
            guard codings.last == "chunked", !codings.contains("") else {
                throw .bad("Transfer-Encoding must end with chunked")
            }
            guard codings.count == 1 else {
                if codings.dropLast().contains("chunked") { throw .bad("chunked applied more than once") }
                throw HTTPParseError(.notImplemented, code: "not_implemented", "unsupported transfer coding")
            }
            state = .chunkSize
        } else if fields.contentLength > 0 {
            let length = try contentLength()
            state = length == 0 ? .requestLine : .fixedBody(remaining: length)
        } else if [HTTPMethod.POST, .PUT, .PATCH].contains(head.method) {
            // RFC 9112 §6.3 would read this as an empty body; RFC 9110 §15.5.12 lets a server require a
            // length instead. riskd's POST/PUT/PATCH routes all take a body, so an unframed one is far more
            // likely a broken client than an intentionally empty request, and 411 says exactly what is wrong.
            throw HTTPParseError(.lengthRequired, code: "length_required", "Content-Length or chunked body required")
        } else {
            state = .requestLine
        }
        try checkExpectation()
        if case .requestLine = state { return .request(finishRequest()) }
        if head.expectsContinue {
            let interim = HTTPRequest(
                method: head.method, target: head.target, version: head.version, headers: head.headers, body: [])
            return .continueExpected(interim)
        }
        return nil
    }

    /// Every Content-Length element must be the same decimal number (RFC 9112 §6.3 rule 5). One field
    /// holding one element, the usual case, is read as it is, without collecting a list.
    private func contentLength() throws(HTTPParseError) -> Int {
        let first: String
        if head.fields.contentLength == 1, let value = head.contentLengthValue,
            ASCII.firstOffset(of: UInt8(ascii: ","), in: value) == nil
        {
            first = value  // already OWS-trimmed; letters fail the digit check in either case
        } else {
            let values = head.headers.listElements(of: "Content-Length")
            guard let element = values.first, values.allSatisfy({ $0 == element }) else {
                throw .bad("conflicting Content-Length values")
            }
            first = element
        }
        guard !first.isEmpty, ASCII.withBytes(first, { $0.allSatisfy { ASCII.decimalValue($0) != nil } }) else {
            throw .bad("invalid Content-Length")
        }
        guard first.utf8.count <= 18, let length = Int(first), length <= limits.maxBodyBytes else {
            throw Self.contentTooLarge
        }
        return length
    }

    /// `Expect: 100-continue` is honoured for HTTP/1.1; any other expectation is 417.
    private mutating func checkExpectation() throws(HTTPParseError) {
        guard head.fields.expect > 0 else { return }
        let expectations = head.headers.listElements(of: "Expect")
        guard !expectations.isEmpty else { return }
        guard expectations == ["100-continue"] else {
            throw HTTPParseError(.expectationFailed, code: "expectation_failed", "unsupported expectation")
        }
        head.expectsContinue = head.version == .http1_1
    }
}
