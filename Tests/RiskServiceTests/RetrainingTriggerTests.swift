import Foundation
import JSON
import RiskdTesting
import Testing

@testable import RiskService

@Suite struct RetrainingTriggerTests {
    /// Inputs far from the manifest's reference breach the retraining policy; the periodic check posts a
    /// `retraining_requested` event through the outbox to the configured webhook, once per cooldown.
    @Test func driftFiresTheRetrainingWebhookOnce() throws {
        let receiver = try FakeUpstream { _, _ in .respond(status: 200, body: "{}") }
        defer { receiver.stop() }
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion(
            "disk", version: 1,
            manifest: RunningService.driftReferenceManifest)
        let policy = #"{"retraining": {"psi": 0.2, "min_samples": 20, "webhook_url": "\#(receiver.baseURL)/retrain"}}"#
        let running = try RunningService(repository: repository, policy: policy)
        running.service.maintain()
        #expect(!receiver.waitForRequests(count: 1, timeout: 0.3))  // no samples yet: nothing to say

        let instances = (0..<40).map { _ in #"{"features": {"a": 8, "b": 0}}"# }.joined(separator: ",")
        #expect(
            try running.request("POST", "/v1/models/disk/predict", json: #"{"instances": [\#(instances)]}"#).status
                == 200)
        running.service.maintain()
        #expect(receiver.waitForRequests(count: 1, timeout: 10))
        let event = try JSONParser().parse(try #require(receiver.requests.first).body)
        #expect(receiver.requests.first?.path == "/retrain")
        #expect(event["type"] == "retraining_requested")
        #expect(event["data"]?["model"] == "disk")
        #expect(event["data"]?["reasons"]?.arrayValue?.isEmpty == false)
        running.service.maintain()
        #expect(!receiver.waitForRequests(count: 2, timeout: 0.5))  // cooldown
    }
}
