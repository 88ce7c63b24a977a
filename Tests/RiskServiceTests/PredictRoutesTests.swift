import Foundation
import JSON
import RiskdTesting
import Testing

@Suite struct PredictRoutesTests {
    private func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    @Test func predictsWithCalibratedIntervalAndTier() throws {
        let running = try RunningService()
        let response = try running.request(
            "POST", "/v1/models/disk/predict",
            json:
                #"{"instances": [{"features": {"a": 1, "b": 0.5}, "entity": "host-1"}, {"features": {"a": -3, "b": 0}}]}"#
        )
        #expect(response.status == 200)
        let body = try response.json()
        #expect(body["model"] == "disk")
        #expect(body["version"] == "1")
        let predictions = try #require(body["predictions"]?.arrayValue)
        #expect(predictions.count == 2)
        let first = predictions[0]
        let score = try #require(first["score"]?.doubleValue)
        #expect(abs(score - sigmoid(-1 + 1 + 2 * 0.5)) < 1e-12)
        let risk = try #require(first["risk"]?.doubleValue)
        let lower = try #require(first["interval"]?["lower"]?.doubleValue)
        let upper = try #require(first["interval"]?["upper"]?.doubleValue)
        #expect(lower <= risk && risk <= upper)
        #expect(first["calibrated"] == true)
        #expect(first["source"] == "model")
        #expect(first["entity"] == "host-1")
        #expect(first["prediction_id"]?.stringValue?.hasPrefix("p-") == true)
        let expectedTier = lower >= 0.6 && risk >= 0.3 ? "L3" : (risk >= 0.3 ? "L1" : "none")
        #expect(first["tier"]?.stringValue == expectedTier)
        #expect(predictions[1]["tier"] == "none")
        #expect(predictions[0]["prediction_id"] != predictions[1]["prediction_id"])
    }

    @Test func flagsMissingAndOutOfRangeFeatures() throws {
        let running = try RunningService()
        let response = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 50, "b": null}}]}"#)
        #expect(response.status == 200)
        let flags = try #require(try response.json()["predictions"]?.arrayValue?.first?["flags"])
        #expect(flags["out_of_distribution"] == true)
        #expect(flags["out_of_range_features"] == ["a"])
        #expect(flags["missing_features"] == ["b"])
    }

    @Test func tooManyMissingFeaturesFallsBackToTheManifestRules() throws {
        let running = try RunningService()
        let response = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"b": 2.5}}, {"features": {}}]}"#)
        // One of two features present (50%) still meets min_feature_fraction 0.5; none does not.
        #expect(response.status == 200)
        let predictions = try #require(try response.json()["predictions"]?.arrayValue)
        #expect(predictions[0]["source"] == "model")
        #expect(predictions[1]["source"] == "fallback")
        #expect(predictions[1]["risk"] == 0.05)
        #expect(predictions[1]["interval"] == .null)
        #expect(predictions[1]["fallback_reason"]?.stringValue?.contains("missing") == true)
    }

    @Test func fallbackRuleAnswersWhenNoVersionLoads() throws {
        let repository = try TemporaryModelRepository()
        try repository.write("disk", version: 1, file: "model.riskd.json", "{broken")
        try repository.write("disk", version: 1, file: "manifest.json", RunningService.fullManifest)
        let running = try RunningService(repository: repository)
        let response = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 0, "b": 3}}]}"#)
        #expect(response.status == 200)
        let body = try response.json()
        #expect(body["version"] == .null)
        let prediction = try #require(body["predictions"]?.arrayValue?.first)
        #expect(prediction["source"] == "fallback")
        #expect(prediction["risk"] == 0.8)
        #expect(prediction["tier"] == "L1")
        #expect(prediction["fallback_reason"]?.stringValue?.contains("many errors") == true)
    }

    @Test func noModelAndNoRulesIs503() throws {
        let repository = try TemporaryModelRepository()
        try repository.write("disk", version: 1, file: "model.riskd.json", "{broken")
        let running = try RunningService(repository: repository)
        let response = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 0}}]}"#)
        #expect(response.status == 503)
        #expect(try response.json()["error"]?["code"] == "model_unavailable")
    }

    @Test(arguments: [
        (#"{"instances": [{"features": {"a": 1, "zz": 2}}]}"#, 400, "unknown_features"),
        (#"{"instances": [{"features": {"a": "high"}}]}"#, 400, "invalid_request"),
        (#"{"instances": []}"#, 400, "invalid_request"),
        (#"{"rows": []}"#, 400, "invalid_request"),
        (#"[1, 2]"#, 400, "invalid_request"),
        (#"{"instances": [{"features": {"a": 1}"#, 400, "invalid_json"),
        (#"{"instances": [{"features": [1, 2]}]}"#, 400, "invalid_request"),
    ])
    func badBodiesGetClearErrors(body: String, status: Int, code: String) throws {
        let running = try RunningService()
        let response = try running.request("POST", "/v1/models/disk/predict", json: body)
        #expect(response.status == status)
        #expect(try response.json()["error"]?["code"]?.stringValue == code)
        #expect(try response.json()["error"]?["message"]?.stringValue?.isEmpty == false)
    }

    @Test func unknownFeaturesCanBeReportedInsteadOfRejected() throws {
        let running = try RunningService()
        let response = try running.request(
            "POST", "/v1/models/disk/predict?unknown_features=ignore",
            json: #"{"instances": [{"features": {"a": 1, "b": 1, "zz": 2}}]}"#)
        #expect(response.status == 200)
        #expect(try response.json()["predictions"]?.arrayValue?.first?["flags"]?["unknown_features"] == ["zz"])
    }

    @Test func unknownModelVersionAndWrongContentType() throws {
        let running = try RunningService()
        let body = #"{"instances": [{"features": {"a": 1}}]}"#
        #expect(try running.request("POST", "/v1/models/nope/predict", json: body).status == 404)
        let missing = try running.request("POST", "/v1/models/disk/versions/7/predict", json: body)
        #expect(missing.status == 404)
        #expect(try missing.json()["error"]?["code"] == "version_not_found")
        #expect(try running.request("POST", "/v1/models/disk/versions/x/predict", json: body).status == 400)
        #expect(try running.request("POST", "/v1/models/disk/versions/1/predict", json: body).status == 200)
        let text = try httpRequest(
            port: running.port, "POST", "/v1/models/disk/predict", headers: [("Content-Type", "text/plain")],
            body: Array(body.utf8))
        #expect(text.status == 415)
        let lookalike = try httpRequest(
            port: running.port, "POST", "/v1/models/disk/predict", headers: [("Content-Type", "application/jsonx")],
            body: Array(body.utf8))
        #expect(lookalike.status == 415)
        #expect(try lookalike.json()["error"]?["code"] == "unsupported_media_type")
        let withCharset = try httpRequest(
            port: running.port, "POST", "/v1/models/disk/predict",
            headers: [("Content-Type", "Application/JSON; charset=utf-8")], body: Array(body.utf8))
        #expect(withCharset.status == 200)
    }
}
