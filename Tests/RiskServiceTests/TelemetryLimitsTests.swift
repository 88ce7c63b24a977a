import Foundation
import JSON
import RiskdTesting
import Testing

/// Telemetry and outcomes at their limits: clock skew, the store's byte budget, points dropped at once,
/// as-of reads older than the retained history, and the outcomes batch bound.
@Suite struct TelemetryLimitsTests {
    static func points(_ items: [(String, Double, Double)]) -> String {
        let points = items.map { #"{"metric": "\#($0.0)", "timestamp": \#($0.1), "value": \#($0.2)}"# }
        return #"{"points": [\#(points.joined(separator: ", "))]}"#
    }

    @Test(arguments: [
        (#"{"points": [{"metric": "temp", "timestamp": 4070908800, "value": 1}]}"#, "timestamp_in_future"),
        (#"{"points": [{"metric": "temp", "timestamp": 1e308, "value": 1}]}"#, "timestamp_in_future"),
        (#"{"points": [{"metric": "temp", "timestamp": "2099-01-01T00:00:00Z", "value": 1}]}"#, "timestamp_in_future"),
    ])
    func pointsFromTheFarFutureAreRejectedWhole(body: String, code: String) throws {
        let running = try RunningService()
        let response = try running.request("POST", "/v1/entities/host-1/telemetry", json: body)
        #expect(response.status == 422, "\(response.text)")
        #expect(try response.json()["error"]?["code"] == .string(code))
        // Nothing was stored, so real points keep their windows.
        #expect(try running.request("GET", "/v1/entities/host-1/risk").status == 404)
        let now = Date().timeIntervalSince1970
        let real = try running.request(
            "POST", "/v1/entities/host-1/telemetry", json: Self.points([("temp", now, 1), ("errors", now, 1)]))
        #expect(real.status == 200)
        #expect(try real.json()["risks"]?.arrayValue?.first?["features"]?["a"] == 1)
    }

    @Test func aPointWithinTheAllowedSkewIsAccepted() throws {
        let running = try RunningService { $0.maxClockSkew = 60 }
        let ahead = Date().timeIntervalSince1970 + 30
        let response = try running.request(
            "POST", "/v1/entities/host-1/telemetry", json: Self.points([("temp", ahead, 1)]))
        #expect(response.status == 200)
        let tooFar = try running.request(
            "POST", "/v1/entities/host-1/telemetry", json: Self.points([("temp", ahead + 120, 1)]))
        #expect(tooFar.status == 422)
    }

    @Test func theTelemetryByteBudgetAnswers507() throws {
        let running = try RunningService { $0.maxTelemetryBytes = 65_536 }
        let now = Date().timeIntervalSince1970
        var refused: TestHTTPResponse?
        for entity in 0..<200 {
            let batch = Self.points((0..<100).map { ("temp", now - Double($0), 1) })
            let response = try running.request("POST", "/v1/entities/e-\(entity)/telemetry", json: batch)
            if response.status != 200 {
                refused = response
                break
            }
        }
        let response = try #require(refused, "the budget never refused a batch")
        #expect(response.status == 507)
        #expect(try response.json()["error"]?["code"] == "telemetry_budget_exhausted")
        let stored = try running.request("GET", "/metrics").text.split(separator: "\n").first {
            $0.hasPrefix("riskd_entity_store_bytes ")
        }
        let bytes = try #require(stored.flatMap { Double($0.split(separator: " ").last ?? "") })
        #expect(bytes >= 65_536 && bytes < 65_536 + 8_192)
    }

    @Test func pointsEvictedImmediatelyAreCountedAsRejectedLimit() throws {
        let running = try RunningService()
        let now = Date().timeIntervalSince1970
        // The per-series cap is 2,048 points: a batch of 2,100 keeps the newest 2,048.
        let batch = Self.points((0..<2_100).map { ("errors", now - Double(2_100 - $0), 1) })
        let response = try running.request("POST", "/v1/entities/host-1/telemetry", json: batch)
        #expect(response.status == 200)
        let ingest = try response.json()["ingest"]
        #expect(ingest?["accepted"] == 2_048)
        #expect(ingest?["rejected_limit"] == 52)
        let metrics = try running.request("GET", "/metrics").text
        #expect(metrics.contains(#"riskd_telemetry_points_total{outcome="accepted"} 2048"#))
        #expect(metrics.contains(#"riskd_telemetry_points_total{outcome="rejected"} 52"#))
    }

    @Test func asOfOlderThanTheRetainedHistoryIs422NamingTheRange() throws {
        let running = try RunningService()
        let now = Date().timeIntervalSince1970.rounded()
        // temp is kept 900 s and errors 3,600 s (the model's windows); 10,000 s later the old points are gone.
        let old = now - 10_000
        _ = try running.request(
            "POST", "/v1/entities/host-1/telemetry", json: Self.points([("temp", old, 1), ("errors", old, 1)]))
        var answer = try running.request("GET", "/v1/entities/host-1/risk?as_of=\(Int(old))")
        #expect(answer.status == 200)
        #expect(try answer.json()["risks"]?.arrayValue?.first?["features"]?["a"] == 1)
        _ = try running.request(
            "POST", "/v1/entities/host-1/telemetry", json: Self.points([("temp", now, 2), ("errors", now, 2)]))
        answer = try running.request("GET", "/v1/entities/host-1/risk?as_of=\(Int(old))")
        #expect(answer.status == 422, "\(answer.text)")
        #expect(try answer.json()["error"]?["code"] == "as_of_out_of_range")
        // The message names the range still answerable: old + 3,600 (errors' window) up to the latest point.
        #expect(answer.text.contains(String(Int(old + 3_600))))
        #expect(answer.text.contains(String(Int(now))))
        #expect(try running.request("GET", "/v1/entities/host-1/risk?as_of=\(Int(old + 3_600))").status == 200)
        #expect(try running.request("GET", "/v1/entities/host-1/risk").status == 200)
    }

    @Test func outcomesPerRequestAreBounded() throws {
        let running = try RunningService()
        func outcomes(_ count: Int) -> String {
            let items = (0..<count).map { #"{"prediction_id": "p-\#($0)", "label": 1}"# }
            return #"{"outcomes": [\#(items.joined(separator: ","))]}"#
        }
        let within = try running.request("POST", "/v1/outcomes", json: outcomes(1_000))
        #expect(within.status == 200, "\(within.text)")
        let beyond = try running.request("POST", "/v1/outcomes", json: outcomes(1_001))
        #expect(beyond.status == 413)
        #expect(try beyond.json()["error"]?["code"] == "too_many_outcomes")
        #expect(beyond.text.contains("--max-outcomes-per-request"))
    }
}
