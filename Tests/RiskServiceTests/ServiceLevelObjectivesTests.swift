import Foundation
import RiskdTesting
import Testing

@testable import RiskService

@Suite struct ServiceLevelObjectivesTests {
    /// The value of the series `name{labels}` in an exposition, or nil when absent.
    static func sample(_ exposition: String, _ series: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap {
            Double($0.split(separator: " ").last ?? "")
        }
    }

    @Test func slisCountGoodAndTotalRequestsPerRoute() throws {
        let running = try RunningService()
        let route = #"route="/v1/models/{name}/predict",method="POST""#
        let before = try running.request("GET", "/metrics").text
        // Every SLI series exists from start-up at 0, so rate() works from the first scrape.
        #expect(Self.sample(before, #"riskd_sli_requests_total{\#(route),sli="availability"}"#) == 0)
        #expect(Self.sample(before, #"riskd_sli_latency_objective_seconds{\#(route)}"#) == 0.1)
        for _ in 0..<3 {
            let answer = try running.request(
                "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 1}}]}"#)
            #expect(answer.status == 200)
        }
        let missing = try running.request("POST", "/v1/models/nope/predict", json: #"{"instances": []}"#)
        #expect(missing.status == 404)
        let after = try running.request("GET", "/metrics").text
        #expect(Self.sample(after, #"riskd_sli_requests_total{\#(route),sli="availability"}"#) == 4)
        #expect(Self.sample(after, #"riskd_sli_requests_total{\#(route),sli="latency"}"#) == 4)
        // A 4xx is the client's fault: still available.
        #expect(Self.sample(after, #"riskd_sli_good_requests_total{\#(route),sli="availability"}"#) == 4)
        // Probes and the scrape are not part of the SLIs, and the in-pod burn rates are gone.
        #expect(!after.contains(#"riskd_sli_requests_total{route="/readyz""#))
        #expect(!after.contains(#"riskd_sli_requests_total{route="/metrics""#))
        #expect(!after.contains("riskd_slo_burn_rate"))
    }

    @Test func a5xxIsNotAvailable() throws {
        // A model whose only version fails to load, without fallback rules: predict answers 503.
        let repository = try TemporaryModelRepository()
        _ = try repository.write("broken", version: 1, file: "model.json", "{not a model")
        let running = try RunningService(repository: repository)
        let answer = try running.request(
            "POST", "/v1/models/broken/predict", json: #"{"instances": [{"features": {}}]}"#)
        #expect(answer.status == 503)
        let text = try running.request("GET", "/metrics").text
        let route = #"route="/v1/models/{name}/predict",method="POST""#
        #expect(Self.sample(text, #"riskd_sli_requests_total{\#(route),sli="availability"}"#) == 1)
        #expect(Self.sample(text, #"riskd_sli_good_requests_total{\#(route),sli="availability"}"#) == 0)
    }
}
