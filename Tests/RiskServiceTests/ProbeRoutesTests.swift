import Foundation
import JSON
import RiskdTesting
import Testing

@Suite struct ProbeRoutesTests {
    @Test func readyOnlyWithAServingModelAndNotWhileDraining() throws {
        let running = try RunningService()
        #expect(try running.request("GET", "/readyz").status == 200)
        #expect(try running.request("GET", "/livez").status == 200)
        running.service.beginDrain()
        let draining = try running.request("GET", "/readyz")
        #expect(draining.status == 503)
        #expect(try draining.json()["error"]?["message"]?.stringValue?.contains("draining") == true)
        #expect(try running.request("GET", "/livez").status == 200)
    }

    @Test func emptyRepositoryIsNotReady() throws {
        let running = try RunningService(repository: try TemporaryModelRepository())
        let response = try running.request("GET", "/readyz")
        #expect(response.status == 503)
        #expect(try response.json()["error"]?["code"] == "not_ready")
        #expect(try running.request("GET", "/v2/health/ready").status == 400)
    }

    @Test func healthzGivesDetails() throws {
        let running = try RunningService()
        let health = try running.request("GET", "/healthz").json()
        #expect(health["status"] == "ok")
        #expect(health["models"]?["disk"]?["serving_version"] == "1")
        #expect((health["resident_memory_bytes"]?.doubleValue ?? 0) > 0)
    }

    @Test func metricsCoverEveryRouteByTemplate() throws {
        let running = try RunningService()
        _ = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 1, "b": 1}}]}"#)
        let metrics = try running.request("GET", "/metrics")
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.text
        #expect(text.contains(#"route="/v1/models/{name}/predict""#))
        #expect(text.contains("riskd_predictions_total{"))
        #expect(text.contains("riskd_model_versions{"))
        #expect(!text.contains(#"route="/v1/models/disk/predict""#))
    }

    @Test func metricsCanRequireAToken() throws {
        let running = try RunningService(tokens: ModelRoutesTests.tokens) { $0.authenticateProbes = true }
        #expect(try running.request("GET", "/metrics").status == 401)
        #expect(try running.request("GET", "/livez").status == 200)
        #expect(try running.request("GET", "/readyz").status == 200)
    }

    @Test func servesTheOpenAPIDocument() throws {
        let running = try RunningService()
        let response = try running.request("GET", "/openapi.yaml")
        #expect(response.status == 200)
        #expect(response.text.hasPrefix("openapi: 3."))
    }
}

@Suite struct MetricsExpositionTests {
    @Test func promtoolAcceptsTheWholeExposition() throws {
        let promtool = try #require(
            Promtool.path, "promtool (Debian package prometheus) is needed; make deps installs it")
        let running = try RunningService()
        _ = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 1, "b": 1}}]}"#)
        _ = try running.request("GET", "/nope")
        let result = try Promtool.checkMetrics(try running.request("GET", "/metrics").body, promtool: promtool)
        #expect(result.status == 0, "\(result.report)")
    }
}
