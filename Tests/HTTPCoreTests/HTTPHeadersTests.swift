import HTTPCore
import Testing

@Suite struct HTTPHeadersTests {
    @Test func keepsOrderAndDuplicatesAndIgnoresCase() {
        var headers = HTTPHeaders([("Accept", "a"), ("X-Id", "1")])
        headers.add("accept", "b")
        #expect(headers["ACCEPT"] == "a")
        #expect(headers.values("Accept") == ["a", "b"])
        #expect(headers.count == 3)
        headers.set("Accept", "c")
        #expect(headers.values("accept") == ["c"])
        #expect(headers.map(\.name) == ["X-Id", "Accept"])
        headers.remove("x-id")
        #expect(!headers.contains("X-Id"))
    }
}
