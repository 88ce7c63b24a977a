import HTTPCore
import HTTPServer
import RiskdTesting
import Testing

/// The injected error renderer sees every error answer with the request's path, whether the router or
/// the server itself (parser limits) produced it, and only error answers.
@Suite struct HTTPServerErrorRendererTests {
    /// Renders `path|code|message` for paths under /items and /echo; nil (the default envelope) elsewhere.
    static let renderer: HTTPErrorRenderer = { problem, path in
        guard let path, path.hasPrefix("/items") || path.hasPrefix("/echo") || path.hasPrefix("/nowhere") else {
            return nil
        }
        return Array("\(path)|\(problem.code)|\(problem.message)".utf8)
    }

    static func server() throws -> TestServer {
        try TestServer(
            configure: {
                $0.maxBodyBytes = 100
                $0.maxRequestLineBytes = 512
                $0.maxHeaderBytes = 512
            }, errorRenderer: renderer)
    }

    @Test(arguments: [
        // The router's 404 and 405, then parser errors raised once the request line is known.
        ("GET /nowhere?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", 404, "/nowhere|not_found|"),
        ("DELETE /echo HTTP/1.1\r\nHost: h\r\n\r\n", 405, "/echo|method_not_allowed|"),
        ("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n", 413, "/echo|content_too_large|"),
        (
            "GET /items/1 HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "b", count: 700) + "\r\n\r\n", 431,
            "/items/1|header_fields_too_large|"
        ),
    ])
    func errorsAreRenderedForTheirPath(request: String, status: Int, body: String) throws {
        let server = try Self.server()
        let client = try TestHTTPClient(port: server.port)
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status)
        #expect(response.text.hasPrefix(body), "\(response.text)")
    }

    @Test func successesAndPathlessErrorsKeepTheirBodies() throws {
        let server = try Self.server()
        let echo = try httpRequest(port: server.port, "POST", "/echo", body: Array("fine".utf8))
        #expect(echo.text == "fine")
        // The renderer declines: riskd's default envelope.
        let other = try httpRequest(port: server.port, "GET", "/missing")
        #expect(other.status == 404)
        #expect(other.errorCode == "not_found")
        // A request line too long to parse has no path; the renderer gets nil and declines.
        let client = try TestHTTPClient(port: server.port)
        try client.send("GET /items/" + String(repeating: "a", count: 600) + " HTTP/1.1\r\nHost: h\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 414)
        #expect(response.errorCode == "uri_too_long")
    }
}
