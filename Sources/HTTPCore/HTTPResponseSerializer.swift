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
        output += Array("HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n".utf8)
        for (name, value) in response.headers where !isFramingHeader(name) {
            appendField(name, value, to: &output)
        }
        appendField("Date", date, to: &output)
        let bodyless = response.status.code == 204 || response.status.code == 304 || response.status.code < 200
        if !bodyless {
            appendField("Content-Length", String(response.body.count), to: &output)
        }
        if !keepAlive {
            appendField("Connection", "close", to: &output)
        } else if version == .http1_0 {
            appendField("Connection", "keep-alive", to: &output)
        }
        output += [ASCII.cr, ASCII.lf]
        if !headRequest && !bodyless {
            output += response.body
        }
    }

    /// `HTTP/1.1 100 Continue`, sent before reading a body the client is holding back.
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private static func isFramingHeader(_ name: String) -> Bool {
        ["Content-Length", "Transfer-Encoding", "Connection", "Date"].contains { HTTPHeaders.equalNames($0, name) }
    }

    /// Writes `name: value\r\n`, replacing CR, LF and NUL in handler-supplied text so no header can be
    /// injected.
    private static func appendField(_ name: String, _ value: String, to output: inout [UInt8]) {
        output += name.utf8
        output += [ASCII.colon, ASCII.space]
        for byte in value.utf8 {
            output.append(byte == ASCII.cr || byte == ASCII.lf || byte == 0 ? ASCII.space : byte)
        }
        output += [ASCII.cr, ASCII.lf]
    }
}
