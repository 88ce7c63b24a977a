import HTTPCore
import HTTPServer
import RiskdTesting
import Testing

@Suite struct HTTPServerTests {
    @Test func answersKeepAliveRequestsOnOneConnection() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        for id in 1...3 {
            let response = try client.request("GET", "/items/\(id)")
            #expect(response.status == 200)
            #expect(response.text == "item \(id)")
            #expect(response.header("Date")?.hasSuffix(" GMT") == true)
            #expect(response.header("Server-Timing")?.hasPrefix("app;dur=") == true)
            #expect(response.header("Connection") == nil)
        }
    }

    @Test func answersPipelinedRequestsInOrderEvenWhenTheFirstIsDeferred() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        try client.send(
            "GET /slow/150 HTTP/1.1\r\nHost: h\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /slow/0 HTTP/1.1\r\nHost: h\r\n\r\n"
        )
        #expect(try client.readResponse().text == "slept 150")
        #expect(try client.readResponse().text == "item 2")
        #expect(try client.readResponse().text == "abc")
        #expect(try client.readResponse().text == "slept 0")
    }

    /// A wake-up's responses are sent together after its events: while a handler holds the only loop,
    /// requests pile up on 32 keep-alive connections; the next wake-up answers them all at once, and each
    /// answer still reaches its own client.
    @Test func everyResponseOfOneWakeUpReachesItsClient() throws {
        let server = try TestServer { $0.eventLoopCount = 1 }
        let clients = try (0..<32).map { _ in try TestHTTPClient(port: server.port) }
        for client in clients { #expect(try client.request("GET", "/livez").status == 200) }
        let blocker = try server.blockLoop(milliseconds: 300)
        for (index, client) in clients.enumerated() {
            try client.send("GET /items/\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
        }
        #expect(try blocker.readResponse().text == "blocked 300")
        for (index, client) in clients.enumerated() {
            let response = try client.readResponse()
            #expect(response.status == 200 && response.text == "item \(index)")
        }
    }

    @Test func decodesChunkedRequestBodies() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        try client.send(
            "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nrisk\r\n2\r\nd!\r\n0\r\nT: 1\r\n\r\n"
        )
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "riskd!")
        #expect(try client.request("GET", "/livez").status == 200)
    }

    @Test func sendsContinueBeforeReadingAnExpectedBody() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        #expect(try client.readResponse().status == 100)
        try client.send("hello")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "hello")
    }

    @Test func rejectsAnOversizedExpectedBodyWithoutContinue() throws {
        let server = try TestServer { $0.maxBodyBytes = 10 }
        let client = try TestHTTPClient(port: server.port)
        try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByPeer(within: 2))
    }

    @Test func headGetsGetHeadersWithoutBody() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        let head = try client.request("HEAD", "/items/7")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "6")
        #expect(head.body.isEmpty)
        // The next response parses cleanly only if no body bytes followed the HEAD response.
        #expect(try client.request("GET", "/items/8").text == "item 8")
    }

    @Test func clientConnectionCloseIsHonoured() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        let response = try client.request("GET", "/livez", headers: [("Connection", "close")])
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByPeer(within: 2))
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        try client.send("GET /livez HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try client.readResponse().header("Connection") == "keep-alive")
        try client.send("GET /livez HTTP/1.0\r\n\r\n")
        #expect(try client.readResponse().header("Connection") == "close")
        #expect(client.isClosedByPeer(within: 2))
    }

    @Test func unknownRouteIs404JSONAndWrongMethodIs405WithAllow() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        let missing = try client.request("GET", "/nope")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        let wrong = try client.request("DELETE", "/livez")
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "GET, HEAD")
        #expect(wrong.errorCode == "method_not_allowed")
        #expect(try client.request("GET", "/livez").status == 200)
    }

    @Test(arguments: ["BREW", "QUERY", "get"])
    func unknownMethodIs400OnAnyPath(method: String) throws {
        let server = try TestServer()
        for path in ["/livez", "/nowhere"] {
            let client = try TestHTTPClient(port: server.port)
            let response = try client.request(method, path)
            #expect(response.status == 400)
            #expect(response.errorCode == "unknown_method")
            #expect(client.isClosedByPeer(within: 2))
        }
        #expect(try httpRequest(port: server.port, "GET", "/livez").status == 200)
    }

    @Test func reportsTheRemoteAddress() throws {
        let server = try TestServer()
        #expect(try httpRequest(port: server.port, "GET", "/whoami").text.hasPrefix("127.0.0.1:"))
    }

    @Test func servesIPv6Loopback() throws {
        let server = try TestServer(host: "::1")
        let client = try TestHTTPClient(port: server.port, host: "::1")
        #expect(try client.request("GET", "/livez").status == 200)
        #expect(try client.request("GET", "/whoami").text.hasPrefix("[::1]:"))
    }

    @Test func dualStackServesIPv4AndIPv6() throws {
        let server = try TestServer(host: "::")
        #expect(try TestHTTPClient(port: server.port, host: "::1").request("GET", "/livez").status == 200)
        let ipv4 = try TestHTTPClient(port: server.port, host: "127.0.0.1")
        #expect(try ipv4.request("GET", "/livez").status == 200)
        #expect(try ipv4.request("GET", "/whoami").text.hasPrefix("127.0.0.1:"))
    }
}
