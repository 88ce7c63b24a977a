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
            #expect(response.header("Date") != nil)
            #expect(response.header("Server-Timing")?.hasPrefix("app;dur=") == true)
        }
    }
}
