/// Writes a response head and body straight into the connection's output buffer.
///
/// The serializer owns framing: it drops any Content-Length, Transfer-Encoding, Connection or Date a
/// handler set and writes its own, so a handler cannot produce a response that desynchronizes the stream.
public enum HTTPResponseSerializer {
    /// - Parameters:
    ///   - date: the IMF-fixdate for the `Date` header (the server caches it once per second).
    ///   - keepAlive: whether the connection stays open; `false` writes `Connection: close`.
    ///   - headRequest: a response to HEAD carries the headers of the GET response but no body.
    public static func write(
        _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, headRequest: Bool, date: String,
        into output: inout [UInt8]
    ) {
        output.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(response.status.code, to: &output)
        output.append(ASCII.space)
        ASCII.withBytes(response.status.reasonPhrase) { output.append(contentsOf: $0) }
        output.append(ASCII.cr)
        output.append(ASCII.lf)
        for (name, value) in response.headers where !isFramingHeader(name) {
            appendField(name, value, to: &output)
        }
        appendField("Date", date, to: &output)
        let bodyless = response.status.code == 204 || response.status.code == 304 || response.status.code < 200
        if !bodyless {
            output.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(response.body.count, to: &output)
            output.append(ASCII.cr)
            output.append(ASCII.lf)
        }
        if !keepAlive {
            appendField("Connection", "close", to: &output)
        } else if version == .http1_0 {
            appendField("Connection", "keep-alive", to: &output)
        }
        output.append(ASCII.cr)
        output.append(ASCII.lf)
        if !headRequest && !bodyless {
            output += response.body
        }
    }

    /// `HTTP/1.1 100 Continue`, sent before reading a body the client is holding back.
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static func isFramingHeader(_ name: String) -> Bool {
        switch name.utf8.count {  // the length picks the one name that could match
        case 14: return HTTPHeaders.equalNames(name, "Content-Length")
        case 17: return HTTPHeaders.equalNames(name, "Transfer-Encoding")
        case 10: return HTTPHeaders.equalNames(name, "Connection")
        case 4: return HTTPHeaders.equalNames(name, "Date")
        default: return false
        }
    }

    /// Writes a non-negative `value` in decimal without building a String.
    private static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Writes `name: value\r\n`, replacing CR, LF and NUL in handler-supplied text so no header can be
    /// injected.
    private static func appendField(_ name: String, _ value: String, to output: inout [UInt8]) {
        ASCII.withBytes(name) { output.append(contentsOf: $0) }
        output.append(ASCII.colon)
        output.append(ASCII.space)
        ASCII.withBytes(value) { bytes in
            let valueStart = output.count
            output.append(contentsOf: bytes)  // copied whole, then cleaned in place if it must be
            guard bytes.contains(where: isUnsafeInField) else { return }
            for index in valueStart..<output.count where isUnsafeInField(output[index]) {
                output[index] = ASCII.space
            }
        }
        output.append(ASCII.cr)
        output.append(ASCII.lf)
    }

    private static func isUnsafeInField(_ byte: UInt8) -> Bool {
        byte == ASCII.cr || byte == ASCII.lf || byte == 0
    }
}
