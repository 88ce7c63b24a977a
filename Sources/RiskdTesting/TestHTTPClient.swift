import Foundation

/// A raw-socket HTTP/1.1 client for tests: sends exact bytes (malformed ones included) and reads
/// responses framed by Content-Length, chunked coding or connection close.
///
/// Blocking with a receive timeout, so a test never hangs: every read fails after `timeout` seconds.
public final class TestHTTPClient {
    private let socket: TestSocket
    private let host: String
    private let port: Int
    private var buffer: [UInt8] = []
    private var closed = false

    public init(port: Int, host: String = "127.0.0.1", timeout: Double = 5) throws {
        socket = try TestSocket(host: host, port: port, timeout: timeout)
        self.host = host
        self.port = port
    }

    deinit {
        if !closed { socket.close() }
    }

    public func send(_ bytes: [UInt8]) throws {
        try socket.send(bytes)
    }

    public func send(_ text: String) throws {
        try socket.send(Array(text.utf8))
    }

    /// Reads the next response (a `100 Continue` is returned as its own response).
    public func readResponse() throws -> TestHTTPResponse {
        try readResponse(headRequest: false)
    }

    /// Reads the next response to a HEAD request: headers only, whatever Content-Length says.
    public func readHeadResponse() throws -> TestHTTPResponse {
        try readResponse(headRequest: true)
    }

    /// Sends a keep-alive request with Host and (for a body) Content-Length, and reads the response.
    public func request(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> TestHTTPResponse {
        var text = "\(method) \(path) HTTP/1.1\r\n"
        let names = Set(headers.map { $0.0.lowercased() })
        if !names.contains("host") { text += "Host: \(host.contains(":") ? "[\(host)]" : host):\(port)\r\n" }
        if !names.contains("content-length") && !names.contains("transfer-encoding")
            && (!body.isEmpty || ["POST", "PUT", "PATCH"].contains(method))
        {
            text += "Content-Length: \(body.count)\r\n"
        }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        try send(Array(text.utf8) + body)
        return try readResponse(headRequest: method == "HEAD")
    }

    /// True if the server closes the connection within `seconds` (any unread data is discarded).
    public func isClosedByPeer(within seconds: Double) -> Bool {
        buffer.removeAll()
        return socket.waitForClose(within: seconds)
    }

    public func close() {
        guard !closed else { return }
        closed = true
        socket.close()
    }

    private func readResponse(headRequest: Bool) throws -> TestHTTPResponse {
        let headEnd = try readUntil([13, 10, 13, 10])
        let headText = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            throw TestHTTPError.malformed("status line \(headText.prefix(80))")
        }
        let headers: [(name: String, value: String)] = try lines.map { line in
            guard let colon = line.firstIndex(of: ":") else { throw TestHTTPError.malformed("header \(line)") }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let response = TestHTTPResponse(status: status, headers: headers, body: [])
        if headRequest || status < 200 || status == 204 || status == 304 { return response }
        let body: [UInt8]
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            body = try readChunkedBody()
        } else if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText) else { throw TestHTTPError.malformed("Content-Length \(lengthText)") }
            try fill(length)
            body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else {
            while try receiveMore() {}
            body = buffer
            buffer.removeAll()
        }
        return TestHTTPResponse(status: status, headers: headers, body: body)
    }

    private func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try readUntil([13, 10])
            let sizeText = String(decoding: buffer[0..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            buffer.removeFirst(lineEnd + 2)
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw TestHTTPError.malformed("chunk size \(sizeText)")
            }
            if size == 0 {
                while true {
                    let trailerEnd = try readUntil([13, 10])
                    buffer.removeFirst(trailerEnd + 2)
                    if trailerEnd == 0 { return body }
                }
            }
            try fill(size + 2)
            body += buffer[0..<size]
            buffer.removeFirst(size + 2)
        }
    }

    /// Index of `marker` in the buffer, reading more until it appears.
    private func readUntil(_ marker: [UInt8]) throws -> Int {
        var searchFrom = 0
        while true {
            if buffer.count >= marker.count {
                for index in searchFrom...(buffer.count - marker.count)
                where buffer[index..<index + marker.count].elementsEqual(marker) {
                    return index
                }
                searchFrom = buffer.count - marker.count + 1
            }
            guard try receiveMore() else { throw TestHTTPError.closed }
        }
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count {
            guard try receiveMore() else { throw TestHTTPError.closed }
        }
    }

    /// Appends what the socket has; false at end of stream.
    private func receiveMore() throws -> Bool {
        let bytes = try socket.receive()
        buffer += bytes
        return !bytes.isEmpty
    }
}

/// One-shot convenience: a new connection, one request, close.
public func httpRequest(
    port: Int, _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
) throws -> TestHTTPResponse {
    let client = try TestHTTPClient(port: port)
    defer { client.close() }
    return try client.request(method, path, headers: headers, body: body)
}
