import HTTPCore
import Testing

@Suite struct HTTPRequestTests {
    func request(_ target: String, headers: [(String, String)] = [], version: HTTPVersion = .http1_1) -> HTTPRequest {
        HTTPRequest(method: .GET, target: target, version: version, headers: HTTPHeaders(headers), body: [])
    }

    @Test func splitsPathAndQueryAndDecodesItems() {
        let parsed = request("/a/b%20c?x=1&name=disk+fail%21&flag&bad=%zz&x=2")
        #expect(parsed.path == "/a/b%20c")
        #expect(parsed.query == "x=1&name=disk+fail%21&flag&bad=%zz&x=2")
        #expect(parsed.queryValue("name") == "disk fail!")
        #expect(parsed.queryValue("x") == "1")
        #expect(parsed.queryValue("flag") == "")
        #expect(parsed.queryValue("bad") == "%zz")
        #expect(parsed.queryItems.count == 5)
        #expect(request("/p").query == nil)
    }

    @Test func keepAliveFollowsVersionAndConnectionHeader() {
        #expect(request("/").wantsKeepAlive)
        #expect(!request("/", headers: [("Connection", "Close")]).wantsKeepAlive)
        #expect(!request("/", version: .http1_0).wantsKeepAlive)
        #expect(request("/", headers: [("Connection", "keep-alive")], version: .http1_0).wantsKeepAlive)
    }
}
