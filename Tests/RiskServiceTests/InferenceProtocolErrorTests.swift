import Foundation
import JSON
import RiskdTesting
import Testing

/// Every error answered on a `/v2` path has OIP's shape `{"error": "<message>"}`, whoever raises it:
/// access control, the router, the server's body limit, the handler. Other paths keep riskd's envelope.
@Suite struct InferenceProtocolErrorTests {
    /// The message of an OIP error body, or nil if the body has another shape.
    static func protocolMessage(_ response: TestHTTPResponse) -> String? {
        guard case .object(let root)? = try? response.json(), root.entries.count == 1 else { return nil }
        return root["error"]?.stringValue
    }

    @Test func accessControlRefusalsOnV2HaveTheProtocolShape() throws {
        let running = try RunningService(tokens: ModelRoutesTests.tokens)
        let anonymous = try running.request("GET", "/v2/models/disk")
        #expect(anonymous.status == 401)
        #expect(Self.protocolMessage(anonymous)?.isEmpty == false, "\(anonymous.text)")
        let wrong = try running.request(
            "POST", "/v2/models/disk/infer", json: "{}", headers: [("Authorization", "Bearer not-a-token-000000")])
        #expect(wrong.status == 401)
        #expect(Self.protocolMessage(wrong)?.isEmpty == false)
        // The same refusal elsewhere keeps riskd's envelope.
        let v1 = try running.request("GET", "/v1/models/disk")
        #expect(v1.status == 401)
        #expect(v1.errorCode != nil)
        #expect(Self.protocolMessage(v1) == nil)
        // Open OIP routes stay open.
        #expect(try running.request("GET", "/v2/health/live").status == 200)
    }

    @Test func routingErrorsOnV2HaveTheProtocolShape() throws {
        let running = try RunningService()
        let unknownModel = try running.request("POST", "/v2/models/nope/infer", json: "{}")
        #expect(unknownModel.status == 404)
        #expect(Self.protocolMessage(unknownModel)?.contains("nope") == true)
        let unknownRoute = try running.request("GET", "/v2/repository/index")
        #expect(unknownRoute.status == 404)
        #expect(Self.protocolMessage(unknownRoute)?.contains("/v2/repository/index") == true)
        let method = try running.request("DELETE", "/v2/models/disk/infer")
        #expect(method.status == 405)
        #expect(method.header("Allow") == "POST")
        #expect(Self.protocolMessage(method) != nil)
        let mediaType = try httpRequest(
            port: running.port, "POST", "/v2/models/disk/infer", headers: [("Content-Type", "text/plain")],
            body: Array("{}".utf8))
        #expect(mediaType.status == 415)
        #expect(Self.protocolMessage(mediaType) != nil)
        let outsideV2 = try running.request("GET", "/v2x/models")
        #expect(outsideV2.status == 404)
        #expect(outsideV2.errorCode == "not_found")
    }

    @Test func theServersBodyLimitOnV2HasTheProtocolShape() throws {
        let running = try RunningService { $0.server.maxBodyBytes = 256 }
        let body = "{\"inputs\": [" + String(repeating: " ", count: 300) + "]}"
        let v2 = try running.request("POST", "/v2/models/disk/infer", json: body)
        #expect(v2.status == 413)
        #expect(Self.protocolMessage(v2)?.isEmpty == false, "\(v2.text)")
        let v1 = try running.request("POST", "/v1/models/disk/predict", json: body)
        #expect(v1.status == 413)
        #expect(v1.errorCode == "content_too_large")
    }
}
