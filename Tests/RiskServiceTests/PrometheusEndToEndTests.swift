import Foundation
import JSON
import RiskdTesting
import Testing

/// riskd as an SRE team's Prometheus sees it: Debian's `prometheus` scrapes a real riskd every second on
/// 127.0.0.1 with deploy/prometheus/rules.yaml loaded (evaluated every second). The page burn-rate alert
/// must fire when riskd answers 5xx and resolve once it stops, and every query of the Grafana dashboard
/// must parse and return data.
@Suite struct PrometheusEndToEndTests {
    static let root = KubernetesDeploymentTests.repositoryRoot
    static let predictRoute = "/v1/models/{name}/predict"

    static func prometheus(scraping port: Int) throws -> PrometheusProcess {
        let executable = try #require(PrometheusProcess.path, "Debian's prometheus package must be installed")
        return try PrometheusProcess(
            executable: executable, jobs: [.init(name: "riskd", targets: ["127.0.0.1:\(port)"])],
            ruleFiles: [root + "/deploy/prometheus/rules.yaml"])
    }

    /// The result vector of an instant query, or nil when Prometheus did not answer `success`.
    static func results(_ prometheus: PrometheusProcess, _ promql: String) throws -> [[String: Any]]? {
        let body = try prometheus.query(promql)
        guard body["status"] as? String == "success", let data = body["data"] as? [String: Any] else { return nil }
        return data["result"] as? [[String: Any]] ?? []
    }

    /// Whether `alert` is firing for the predict route, according to Prometheus's `/api/v1/alerts`.
    static func firing(_ prometheus: PrometheusProcess, _ alert: String) throws -> Bool {
        let data = try prometheus.get("/api/v1/alerts")["data"] as? [String: Any]
        let alerts = data?["alerts"] as? [[String: Any]] ?? []
        return alerts.contains { entry in
            let labels = entry["labels"] as? [String: String] ?? [:]
            return labels["alertname"] == alert && labels["route"] == predictRoute && labels["method"] == "POST"
                && entry["state"] as? String == "firing"
        }
    }

    /// Waits (bounded) until Prometheus has scraped the predict route's SLI counters at least once, so
    /// every later increase is seen from a sample at 0.
    static func waitForFirstScrape(_ prometheus: PrometheusProcess) throws {
        let scraped = prometheus.wait(timeout: 30) {
            try results(prometheus, #"riskd_sli_requests_total{job="riskd",route="\#(predictRoute)"}"#)?.isEmpty
                == false
        }
        try #require(scraped, "Prometheus never scraped riskd's SLI counters")
    }

    @Test func pageBurnRateAlertFiresOn5xxAndResolvesWhenTheyStop() throws {
        // `broken`'s only version is not a model: it fails to load, and predict answers 503.
        let repository = try TemporaryModelRepository()
        _ = try repository.write("broken", version: 1, file: "model.json", "{not a model")
        let running = try RunningService(repository: repository)
        let prometheus = try Self.prometheus(scraping: running.port)
        try Self.waitForFirstScrape(prometheus)
        #expect(try !Self.firing(prometheus, "RiskdAvailabilityBurnFast"))

        let client = try TestHTTPClient(port: running.port)
        let body = Array(#"{"instances": [{"features": {"a": 1, "b": 0}}]}"#.utf8)
        let headers = [("Content-Type", "application/json")]
        for _ in 0..<5 {
            #expect(try client.request("POST", "/v1/models/broken/predict", headers: headers, body: body).status == 503)
        }
        let fired = prometheus.wait(timeout: 60) { try Self.firing(prometheus, "RiskdAvailabilityBurnFast") }
        #expect(fired, "the page burn-rate alert did not fire on 5xx answers")
        // The 1h and 5m error ratios come from the recording rules, summed across replicas.
        let ratio = try Self.results(
            prometheus, #"route_sli:riskd_sli_error:ratio_rate5m{route="\#(Self.predictRoute)",sli="availability"}"#)
        #expect((ratio?.first?["value"] as? [Any])?.last as? String == "1")

        // A good version is published and loaded: the 5xx stop. Enough good answers bring the error ratio
        // of the short windows (5m, 30m) under 6x the budget (0.6 %), which resolves the page although
        // the long windows still hold the errors.
        try repository.addLinearVersion("broken", version: 2, coefficients: [1, 2], intercept: -1)
        _ = running.service.registry.reload()
        var good = 0
        for _ in 0..<2_500
        where try client.request("POST", "/v1/models/broken/predict", headers: headers, body: body)
            .status == 200
        {
            good += 1
        }
        #expect(good == 2_500)
        let resolved = prometheus.wait(timeout: 90) { try !Self.firing(prometheus, "RiskdAvailabilityBurnFast") }
        #expect(resolved, "the page burn-rate alert did not resolve after the 5xx stopped")
    }

    /// Every `expr` of every panel (rows included) in the dashboard JSON.
    static func dashboardExpressions() throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/deploy/grafana/riskd-dashboard.json"))
        var expressions: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let expr = object["expr"] as? String { expressions.append(expr) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(try JSONSerialization.jsonObject(with: data))
        return expressions
    }

    /// Grafana's variables replaced as Grafana would for "All" on this job.
    static func concrete(_ expression: String) -> String {
        expression.replacingOccurrences(of: "$__rate_interval", with: "1m")
            .replacingOccurrences(of: "$job", with: "riskd")
            .replacingOccurrences(of: "$route", with: ".+")
            .replacingOccurrences(of: "$model", with: ".+")
    }

    @Test func everyDashboardQueryParsesAndReturnsData() throws {
        let expressions = try Self.dashboardExpressions()
        #expect(expressions.count >= 30)
        let repository = try RunningService.defaultRepository()
        try FileManager.default.copyItem(
            atPath: Self.root + "/models/disk-failure", toPath: repository.root + "/disk-failure")
        let running = try RunningService(repository: repository)
        let prometheus = try Self.prometheus(scraping: running.port)
        try Self.waitForFirstScrape(prometheus)
        try DashboardTraffic(port: running.port, root: Self.root).drive()

        var empty: [String] = []
        let complete = prometheus.wait(timeout: 60) {
            empty = try expressions.filter { try Self.results(prometheus, Self.concrete($0))?.isEmpty != false }
            return empty.isEmpty
        }
        #expect(complete, "dashboard queries without data: \(empty)")
    }
}

/// Traffic that gives every dashboard panel data: predictions of both versions of the bundled model
/// (in-distribution and shifted rows, so drift is computed and tiers vary), fallback answers, raw
/// telemetry, and outcomes for the predictions made.
struct DashboardTraffic {
    let port: Int
    let root: String

    func drive() throws {
        let client = try TestHTTPClient(port: port)
        let headers = [("Content-Type", "application/json")]
        func post(_ path: String, _ body: JSONValue) throws -> JSONValue {
            let response = try client.request("POST", path, headers: headers, body: Array(body.serialized()))
            #expect(response.status == 200, "\(path): \(response.text)")
            return try response.json()
        }
        let vectors = try JSONParser().parse(
            Array(
                try Data(contentsOf: URL(fileURLWithPath: root + "/Tests/RiskServiceTests/Fixtures/drift_vectors.json"))
            ))
        let names = try #require(vectors["feature_names"]?.arrayValue?.compactMap { $0.stringValue })
        var ids: [String] = []
        for (key, path) in [
            ("in_distribution", "/v1/models/disk-failure/predict"), ("shifted", "/v1/models/disk-failure/predict"),
            ("in_distribution", "/v1/models/disk-failure/versions/1/predict"),
        ] {
            let rows = try #require(vectors[key]?.arrayValue).prefix(400)
            let instances: [JSONValue] = rows.map { row in
                var features = JSONObject()
                for (name, value) in zip(names, row.arrayValue ?? []) { features.append(name, value) }
                return ["features": .object(features)]
            }
            let answer = try post(path, ["instances": .array(instances)])
            ids += answer["predictions"]?.arrayValue?.compactMap { $0["prediction_id"]?.stringValue } ?? []
        }
        // Too few features for the linear model's manifest: answered by its fallback rules.
        _ = try post("/v1/models/disk/predict", ["instances": [["features": .object([:])]]])
        let outcomes: [JSONValue] = ids.enumerated().map { index, id in
            ["prediction_id": .string(id), "label": .number(Double(index % 3 == 0 ? 1 : 0))]
        }
        _ = try post("/v1/outcomes", ["outcomes": .array(outcomes)])
        let fixture = try JSONParser().parse(
            Array(
                try Data(
                    contentsOf: URL(fileURLWithPath: root + "/Tests/RiskServiceTests/Fixtures/e2e_disk_failure.json"))))
        let entity = try #require(fixture["entities"]?.arrayValue?.first)
        _ = try post(
            "/v1/entities/dashboard-disk/telemetry?model=disk-failure", ["points": entity["points"] ?? .array([])])
    }
}
