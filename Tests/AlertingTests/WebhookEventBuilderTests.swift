import Alerting
import Crypto
import JSON
import Testing

@Suite struct WebhookEventBuilderTests {
    @Test func buildsSignedJSONEvent() throws {
        let builder = WebhookEventBuilder(
            configuration: .init(url: "http://127.0.0.1:1/hook", headers: ["X-Api-Key": "k"], signingSecret: "s3cret"))
        let event = builder.event(type: "retraining_needed", key: "model/disk", data: ["psi": 0.31], now: 1_700_000_000)
        #expect(event.url == "http://127.0.0.1:1/hook")
        #expect(event.key == "model/disk")
        #expect(event.headers["X-Api-Key"] == "k")
        #expect(event.headers["Content-Type"] == "application/json")
        let json = try JSONParser().parse(event.body)
        #expect(json["type"] == "retraining_needed")
        #expect(json["id"] == .string(event.id))
        #expect(json["occurred_at"] == 1_700_000_000)
        #expect(json["data"]?["psi"] == 0.31)
        let header = try #require(event.headers[WebhookEventBuilder.signatureHeader])
        // The signature verifies with the same scheme as PagerDuty's.
        try PagerDutyWebhookVerifier(secrets: ["s3cret"]).verify(body: event.body, signatureHeader: header)
        #expect(throws: PagerDutyWebhookError.noMatchingSignature) {
            try PagerDutyWebhookVerifier(secrets: ["other"]).verify(body: event.body, signatureHeader: header)
        }
    }

    @Test func unsignedWithoutSecret() {
        let builder = WebhookEventBuilder(configuration: .init(url: "http://127.0.0.1:1/hook"))
        let event = builder.event(type: "t", key: "k", data: [:])
        #expect(event.headers[WebhookEventBuilder.signatureHeader] == nil)
        #expect(builder.event(type: "t", key: "k", data: [:]).id != event.id)
    }
}
