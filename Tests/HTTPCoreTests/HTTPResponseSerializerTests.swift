import HTTPCore
import Testing

@Suite struct HTTPResponseSerializerTests {
    func serialize(
        _ response: HTTPResponse, version: HTTPVersion = .http1_1, keepAlive: Bool = true, head: Bool = false
    ) -> String {
        var output: [UInt8] = []
        HTTPResponseSerializer.write(
            response, version: version, keepAlive: keepAlive, headRequest: head,
            date: "Sun, 22 Nov 2026 23:00:00 GMT", into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func writesStatusHeadersDateLengthAndBody() {
        var response = HTTPResponse.text(.ok, "hi")
        response.headers.add("Server-Timing", "app;dur=0.1")
        #expect(
            serialize(response)
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nServer-Timing: app;dur=0.1\r\n"
                + "Date: Sun, 22 Nov 2026 23:00:00 GMT\r\nContent-Length: 2\r\n\r\nhi")
    }

    @Test func headResponseKeepsLengthButDropsBody() {
        let text = serialize(.text(.ok, "hello"), head: true)
        #expect(text.contains("Content-Length: 5\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test func connectionHeaderFollowsKeepAliveAndVersion() {
        #expect(serialize(.text(.ok, ""), keepAlive: false).contains("Connection: close\r\n"))
        #expect(!serialize(.text(.ok, "")).contains("Connection:"))
        #expect(serialize(.text(.ok, ""), version: .http1_0).contains("Connection: keep-alive\r\n"))
    }

    @Test func handlerFramingHeadersAreReplacedAndInjectionNeutralized() {
        var response = HTTPResponse(status: .ok, body: Array("abc".utf8))
        response.headers.add("content-length", "99")
        response.headers.add("Transfer-Encoding", "chunked")
        response.headers.add("X-Evil", "a\r\nSet-Cookie: x")
        let text = serialize(response)
        #expect(!text.contains("99"))
        #expect(!text.contains("chunked"))
        #expect(text.contains("X-Evil: a  Set-Cookie: x\r\n"))
        #expect(text.contains("Content-Length: 3\r\n"))
    }

    @Test func noContentHasNoLength() {
        #expect(!serialize(HTTPResponse(status: .noContent)).contains("Content-Length"))
    }

    @Test func errorEnvelopeEscapesJSON() {
        let response = HTTPResponse.error(.badRequest, code: "bad_input", message: "quote \" slash \\ line\n\u{1}")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"error":{"code":"bad_input","message":"quote \" slash \\ line\n\u0001"}}"#)
        #expect(response.headers["content-type"] == "application/json")
    }
}
