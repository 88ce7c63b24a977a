import Foundation
import JSON
import RiskdTesting
import Testing

@Suite struct TelemetryRoutesTests {
    @Test func ingestedPointsBecomeWindowFeaturesAndARisk() throws {
        let running = try RunningService()
        let t = 1_700_000_000.0
        // temp mean over (t-900, t]: the point at t-900 is outside the window.
        let body = """
            {"labels": {"cluster": "eu-1"},
             "points": [{"metric": "temp", "timestamp": \(t - 900), "value": 100},
                        {"metric": "temp", "timestamp": \(t - 600), "value": 1},
                        {"metric": "temp", "timestamp": \(t), "value": 2},
                        {"metric": "errors", "timestamp": "2023-11-14T22:13:20Z", "value": 0.5}]}
            """
        let response = try running.request("POST", "/v1/entities/host-1/telemetry", json: body)
        #expect(response.status == 200)
        let json = try response.json()
        // t-900 is dropped as soon as t arrives (temp keeps 900 s): too old, not accepted.
        #expect(json["ingest"]?["accepted"] == 3)
        #expect(json["ingest"]?["rejected_too_old"] == 1)
        let risk = try #require(json["risks"]?.arrayValue?.first)
        #expect(risk["model"] == "disk")
        #expect(risk["as_of"] == .number(t))
        #expect(risk["features"]?["a"] == 1.5)
        #expect(risk["features"]?["b"] == 0.5)
        let score = try #require(risk["prediction"]?["score"]?.doubleValue)
        #expect(abs(score - 1 / (1 + exp(-(-1 + 1.5 + 2 * 0.5)))) < 1e-12)

        let again = try running.request("GET", "/v1/entities/host-1/risk").json()
        #expect(again["risks"]?.arrayValue?.first?["features"] == risk["features"])
        #expect(try running.request("GET", "/v1/entities/host-2/risk").status == 404)
    }

    @Test(arguments: [
        #"{"points": [{"metric": "temp", "value": 1}]}"#,
        #"{"points": [{"metric": "", "timestamp": 1, "value": 1}]}"#,
        #"{"points": [{"metric": "temp", "timestamp": "yesterday", "value": 1}]}"#,
        #"{"points": {"metric": "temp"}}"#,
        #"{"points": [], "labels": {"a": 1}}"#,
    ])
    func malformedTelemetryIsRejectedWhole(body: String) throws {
        let running = try RunningService()
        let response = try running.request("POST", "/v1/entities/host-1/telemetry", json: body)
        #expect(response.status == 400)
        #expect(try running.request("GET", "/v1/entities/host-1/risk").status == 404)
    }

    @Test func invalidEntityIDIsRejected() throws {
        let running = try RunningService()
        let long = String(repeating: "x", count: 300)
        let response = try running.request(
            "POST", "/v1/entities/\(long)/telemetry", json: #"{"points": []}"#)
        #expect(response.status == 400)
    }
}
