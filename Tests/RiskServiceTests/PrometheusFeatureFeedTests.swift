import Foundation
import HTTPCore
import JSON
import RiskService
import RiskdTesting
import Synchronization
import Testing

/// Prometheus as a feature source against a local fake Prometheus (a real HTTP server answering the
/// query API) and a fake PagerDuty: entities page through the incident loop, and every way Prometheus can
/// fail is counted without crashing, paging, or resolving what the last good evaluation found.
@Suite struct PrometheusFeatureFeedTests {
    /// What the fake Prometheus answers next.
    enum Mode: Sendable {
        case values([String: [String: Double]])  // query → entity → value
        case errorBody
        case hang
        case manySeries(Int)
        case dropConnection
    }

    static let policy = """
        {"suppression": {"cooldown_seconds": 0}, "pagerduty": {"hold_seconds": 0},
         "prometheus_sources": [{"model": "disk", "entity_label": "instance", "interval_seconds": 1,
                                 "features": {"a": "avg_over_time(temp[5m])", "b": "max_over_time(errors[1h])"}}]}
        """

    static func fakePrometheus(_ mode: ModeCell) throws -> FakeUpstream {
        try FakeUpstream { request, _ in
            let query =
                String(decoding: request.body, as: UTF8.self).split(separator: "&").first {
                    $0.hasPrefix("query=")
                }.flatMap { String($0.dropFirst(6)).removingPercentEncoding } ?? ""
            switch mode.current {
            case .values(let table):
                let series = (table[query] ?? [:]).sorted { $0.key < $1.key }.map {
                    #"{"metric":{"instance":"\#($0.key)","job":"node"},"value":[1,"\#($0.value)"]}"#
                }
                return .respond(status: 200, body: vector(series))
            case .errorBody:
                return .respond(status: 422, body: #"{"status":"error","errorType":"execution","error":"boom"}"#)
            case .hang:
                return .hang
            case .manySeries(let count):
                return .respond(
                    status: 200,
                    body: vector((0..<count).map { #"{"metric":{"instance":"x\#($0)"},"value":[1,"1"]}"# }))
            case .dropConnection:
                return .closeConnection
            }
        }
    }

    /// The fake's current mode, shared with its responder.
    final class ModeCell: Sendable {
        private let state: Mutex<Mode>
        init(_ mode: Mode) { state = Mutex(mode) }
        var current: Mode {
            get { state.withLock { $0 } }
            set { state.withLock { $0 = newValue } }
        }
    }

    static func vector(_ series: [String]) -> String {
        #"{"status":"success","data":{"resultType":"vector","result":[\#(series.joined(separator: ","))]}}"#
    }

    static func failures(_ running: RunningService, _ reason: String) throws -> Double {
        let prefix = #"riskd_prometheus_evaluation_failures_total{model="disk",reason="\#(reason)"} "#
        let text = try running.request("GET", "/metrics").text
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
            ?? 0
    }

    @Test func entitiesPageAndFailuresAreCountedWithoutResolvingOrCrashing() throws {
        let pagerDuty = try IncidentLoopTests.accepting()
        defer { pagerDuty.stop() }
        let mode = ModeCell(
            .values([
                "avg_over_time(temp[5m])": ["h1": 3, "h2": -4],
                "max_over_time(errors[1h])": ["h1": 3, "h2": 0],
            ]))
        let prometheus = try Self.fakePrometheus(mode)
        defer { prometheus.stop() }
        let running = try IncidentLoopTests.running(pagerDuty, policy: Self.policy) {
            $0.prometheusURL = prometheus.baseURL
            $0.prometheusTimeout = 0.5
            $0.prometheusMaxSeries = 5
        }

        // h1 (risk sigmoid(-1 + 3 + 6)) pages through the incident loop; h2 (sigmoid(-5)) does not.
        #expect(pagerDuty.waitForRequests(count: 1, timeout: 10))
        let page = try #require(try IncidentLoopTests.events(pagerDuty).first)
        #expect(page["event_action"] == "trigger")
        #expect(page["dedup_key"] == "riskd/disk/h1")
        var risk = try running.request("GET", "/v1/entities/h1/risk")
        #expect(risk.status == 200, "\(risk.text)")
        let first = try #require(try risk.json()["risks"]?.arrayValue?.first)
        #expect(first["feature_source"] == "prometheus")
        #expect(first["features"] == JSONValue.object(["a": 3, "b": 3]))
        #expect(first["version"] == "1")
        #expect(first["prediction"]?["tier"] != "none")
        let low = try running.request("GET", "/v1/entities/h2/risk").json()["risks"]?.arrayValue?.first
        #expect(low?["prediction"]?["tier"] == "none")
        #expect(try running.request("GET", "/v1/entities/h3/risk").status == 404)
        // Prometheus-derived points never enter the telemetry store.
        #expect(try running.request("GET", "/metrics").text.contains("riskd_entities 0"))
        // Posted telemetry never scores a Prometheus-sourced model; GET risk still answers from Prometheus.
        let posted = try running.request(
            "POST", "/v1/entities/h1/telemetry",
            json: IncidentLoopTests.telemetry([("temp", 0)], at: Date().timeIntervalSince1970 - 5))
        #expect(posted.status == 200, "\(posted.text)")
        #expect(try posted.json()["risks"] == JSONValue.array([]))
        let merged = try running.request("GET", "/v1/entities/h1/risk").json()["risks"]?.arrayValue ?? []
        #expect(merged.map { $0["feature_source"] } == [.string("prometheus")])

        // Every failure is counted under its reason, one evaluation after another.
        let failing: [(Mode, String)] = [
            (.errorBody, "query_error"), (.hang, "timeout"), (.manySeries(6), "too_many_series"),
            (.dropConnection, "unreachable"),
        ]
        for (next, reason) in failing {
            mode.current = next
            #expect(try IncidentLoopTests.eventually { try Self.failures(running, reason) >= 1 }, "\(reason)")
        }
        let metrics = try running.request("GET", "/metrics").text
        #expect(metrics.contains(#"riskd_prometheus_series_returned{model="disk"} 6"#))
        // Nothing was resolved or paged again, the last good answer is still served, and riskd still answers.
        #expect(pagerDuty.requests.count == 1)
        risk = try running.request("GET", "/v1/entities/h1/risk")
        #expect(
            try risk.json()["risks"]?.arrayValue?.first?["prediction"]?["prediction_id"]
                == first["prediction"]?["prediction_id"])
        #expect(try running.request("GET", "/livez").status == 200)

        // With a hold of 0 a low risk resolves at once: so the failures above could have resolved, and did not.
        mode.current = .values(["avg_over_time(temp[5m])": ["h1": -4], "max_over_time(errors[1h])": ["h1": 0]])
        #expect(pagerDuty.waitForRequests(count: 2, timeout: 10))
        let resolve = try #require(try IncidentLoopTests.events(pagerDuty).last)
        #expect(resolve["event_action"] == "resolve")
        #expect(resolve["dedup_key"] == "riskd/disk/h1")
    }

    @Test func prometheusFlagsAreParsedWithTheirBounds() throws {
        let resolved = try ServiceConfiguration.resolve(
            arguments: ["--prometheus-url", "http://127.0.0.1:9090", "--prometheus-max-series", "500"],
            environment: ["RISKD_PROMETHEUS_TIMEOUT": "2.5", "RISKD_PROMETHEUS_CONCURRENCY": "8"])
        #expect(resolved.prometheusURL == "http://127.0.0.1:9090")
        #expect(resolved.prometheusTimeout == 2.5)
        #expect(resolved.prometheusMaxSeries == 500)
        #expect(resolved.prometheusConcurrency == 8)
        #expect(try ServiceConfiguration.resolve(arguments: [], environment: [:]).prometheusURL == nil)
        for bad in [
            ["--prometheus-url", "prometheus:9090"], ["--prometheus-timeout", "0"],
            ["--prometheus-max-series", "0"], ["--prometheus-concurrency", "65"],
        ] {
            #expect(throws: ServiceConfiguration.Error.self, "\(bad)") {
                try ServiceConfiguration.resolve(arguments: bad, environment: [:])
            }
        }
    }

    @Test func aPrometheusThatIsDownIsCountedAndTheMisconfiguredPolicyStopsStartUp() throws {
        let pagerDuty = try IncidentLoopTests.accepting()
        defer { pagerDuty.stop() }
        let closed = try FakeUpstream { _, _ in .hang }
        closed.stop()

        let running = try IncidentLoopTests.running(pagerDuty, policy: Self.policy) {
            $0.prometheusURL = closed.baseURL
        }
        #expect(try IncidentLoopTests.eventually { try Self.failures(running, "unreachable") >= 2 })
        #expect(
            try running.request("GET", "/metrics").text.contains(
                #"riskd_prometheus_last_success_timestamp_seconds{model="disk"} 0"#))
        #expect(pagerDuty.requests.isEmpty)

        // Sources without --prometheus-url, and a feature the model does not have, stop start-up with the path.
        #expect(throws: ServiceConfiguration.Error.self) {
            _ = try RunningService(policy: Self.policy)
        }
        do {
            _ = try RunningService(policy: Self.policy.replacingOccurrences(of: #""b":"#, with: #""zz":"#)) {
                $0.prometheusURL = closed.baseURL
            }
            Issue.record("an unknown feature was accepted")
        } catch {
            #expect("\(error)".contains(#"prometheus_sources[0].features.zz: model "disk" has no feature "zz""#))
        }
    }
}
