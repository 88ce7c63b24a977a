import Foundation
import JSON
import RiskdTesting
import Testing

@Suite struct MonitoringRoutesTests {
    @Test func sloEvaluationMatchesTheWorkbookExample() throws {
        let running = try RunningService()
        // 99.95% over 10,000 requests is not significantly above a 99.9% target (exact p ≈ 0.067).
        let response = try running.request(
            "POST", "/v1/slo/evaluate",
            json: """
                {"target": 0.999, "window_seconds": 2592000, "good": 9995, "total": 10000,
                 "windows": {"5m": {"good": 90, "total": 100}, "1h": {"good": 980, "total": 1000}}}
                """)
        #expect(response.status == 200)
        let body = try response.json()
        #expect(body["significantly_above_target"] == false)
        let p = try #require(body["test"]?["p_value_one_sided"]?.doubleValue)
        #expect(abs(p - 0.0669914) < 1e-5)
        #expect(body["alert"]?["state"] == "page")
        let bad = try running.request(
            "POST", "/v1/slo/evaluate", json: #"{"target": 0.999, "window_seconds": 60, "good": 11, "total": 10}"#)
        #expect(bad.status == 400)
        #expect(try bad.json()["error"]?["message"]?.stringValue?.contains("good") == true)
    }

    @Test func outcomesLabelPredictionsAndShowUpInPerformance() throws {
        let running = try RunningService()
        let predict = try running.request(
            "POST", "/v1/models/disk/predict",
            json:
                #"{"instances": [{"features": {"a": 3, "b": 2}, "entity": "d1"}, {"features": {"a": -3, "b": 0}, "entity": "d2"}]}"#
        )
        let predictions = try #require(try predict.json()["predictions"]?.arrayValue)
        let first = try #require(predictions[0]["prediction_id"]?.stringValue)
        let second = try #require(predictions[1]["prediction_id"]?.stringValue)
        let outcome = try running.request(
            "POST", "/v1/outcomes",
            json:
                #"{"outcomes": [{"prediction_id": "\#(first)", "label": 0}, {"prediction_id": "\#(second)", "label": 1}]}"#
        )
        #expect(outcome.status == 200)
        #expect(try outcome.json()["labeled"] == 2)
        let performance = try running.request("GET", "/v1/models/disk/performance").json()
        let statistics = try #require(performance["versions"]?.arrayValue?.first?["statistics"])
        // The high-risk prediction was a false positive, the low-risk one a false negative.
        let risk1 = try #require(predictions[0]["risk"]?.doubleValue)
        let risk2 = try #require(predictions[1]["risk"]?.doubleValue)
        let brier = ((risk1 - 0) * (risk1 - 0) + (risk2 - 1) * (risk2 - 1)) / 2
        #expect(abs((statistics["brier_score"]?.doubleValue ?? -1) - brier) < 1e-12)
        #expect(try running.request("POST", "/v1/outcomes", json: #"{"label": 3, "prediction_id": "x"}"#).status == 400)
    }

    @Test func driftReportComparesLiveInputsWithTheReference() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion(
            "disk", version: 1,
            manifest: RunningService.driftReferenceManifest)
        let running = try RunningService(repository: repository)
        let instances = (0..<50).map { _ in #"{"features": {"a": 5, "b": 0}}"# }.joined(separator: ",")
        _ = try running.request("POST", "/v1/models/disk/predict", json: #"{"instances": [\#(instances)]}"#)
        let drift = try running.request("GET", "/v1/models/disk/drift").json()
        let version = try #require(drift["versions"]?.arrayValue?.first)
        #expect(version["report"]?["samples"] == 50)
        let features = try #require(version["report"]?["features"]?.arrayValue)
        let a = try #require(features.first { $0["name"] == "a" })
        // Every live value falls in the upper bin: PSI is large.
        #expect((a["psi"]?.doubleValue ?? 0) > 1)
    }

    @Test func shadowVersionScoresTheSameInputsOffTheHotPath() throws {
        let running = try RunningService(tokens: ModelRoutesTests.tokens)
        let admin = [("Authorization", "Bearer admin-token-0123456789")]
        try running.repository.addLinearVersion("disk", version: 2, coefficients: [2, 2])
        _ = try running.request("POST", "/v1/admin/reload", headers: admin)
        _ = try running.request("PUT", "/v1/models/disk/aliases/production", json: #"{"version": 1}"#, headers: admin)
        let alias = try running.request(
            "PUT", "/v1/models/disk/aliases/shadow", json: #"{"version": 2}"#, headers: admin)
        #expect(alias.status == 200)
        let reader = [("Authorization", "Bearer read-token-01234567890")]
        for _ in 0..<5 {
            let response = try running.request(
                "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 1, "b": 1}}]}"#,
                headers: reader)
            #expect(try response.json()["version"] == "1")
        }
        let deadline = Date().addingTimeInterval(5)
        var count = 0.0
        while count < 5, Date() < deadline {
            let shadow = try running.request("GET", "/v1/models/disk/shadow", headers: reader).json()
            count = shadow["comparisons"]?.arrayValue?.first?["count"]?.doubleValue ?? 0
            if count < 5 { Thread.sleep(forTimeInterval: 0.01) }
        }
        #expect(count == 5)
    }
}
