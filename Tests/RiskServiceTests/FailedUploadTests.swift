import Foundation
import JSON
import RiskdTesting
import Testing

/// Two broken uploads after a good version: the service stays ready and keeps predicting with the model.
@Suite struct FailedUploadTests {
    @Test func twoBadUploadsKeepTheGoodModelServing() throws {
        let running = try RunningService()
        for version in [2, 3] {
            try running.repository.write("disk", version: version, file: "model.riskd.json", "not a model")
            try running.repository.write("disk", version: version, file: "manifest.json", RunningService.fullManifest)
            // As the poller would on its next scan.
            #expect(running.service.registry.reload().unloaded == [])
        }
        let ready = try running.request("GET", "/readyz")
        #expect(ready.status == 200, "\(ready.text)")
        let response = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 1, "b": 1}}]}"#)
        #expect(response.status == 200, "\(response.text)")
        let body = try response.json()
        #expect(body["version"]?.stringValue == "1")
        let prediction = try #require(body["predictions"]?.arrayValue?.first)
        // The model's own answer, not the manifest's fallback rules.
        #expect(prediction["source"]?.stringValue == "model")
        #expect(prediction["score"]?.doubleValue != nil)
        let health = try running.request("GET", "/healthz").json()
        #expect(health["models"]?["disk"]?["failed_versions"]?.arrayValue?.count == 2)
    }
}
