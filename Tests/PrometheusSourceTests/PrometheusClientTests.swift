import Foundation
import HTTPCore
import RiskdTesting
import Testing

@testable import PrometheusSource

/// The client over real sockets against a local fake Prometheus: what it sends, and every failure mapped
/// to its reason.
@Suite struct PrometheusClientTests {
    static let vectorBody =
        #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"i":"a"},"value":[5,"1"]}]}}"#

    /// The form fields of a recorded request body.
    static func form(_ request: HTTPRequest) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            fields[parts[0]] = parts.count > 1 ? parts[1].removingPercentEncoding : ""
        }
        return fields
    }

    @Test func anInstantQueryIsAFormPostWithTheEvaluationTimeInMilliseconds() throws {
        let upstream = try FakeUpstream { _, _ in .respond(status: 200, body: Self.vectorBody) }
        defer { upstream.stop() }
        let client = PrometheusClient(baseURL: upstream.baseURL + "/", timeout: 3, maxSeries: 10)
        let query = #"max_over_time(smartctl_device_attribute{attribute_id="5"}[1h]) + 1 & x"#
        let vector = try client.query(query, at: 1_700_000_000.1234)
        #expect(vector.samples.map(\.value) == [1])
        let request = try #require(upstream.requests.first)
        #expect(request.method == .POST)
        #expect(request.path == "/api/v1/query")
        #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        #expect(Self.form(request) == ["query": query, "time": "1700000000.123", "timeout": "3.000"])
    }

    @Test func failuresMapToTheirReasons() throws {
        let hanging = try FakeUpstream { _, _ in .hang }
        defer { hanging.stop() }
        #expect(throws: PrometheusQueryError.timeout) {
            try PrometheusClient(baseURL: hanging.baseURL, timeout: 0.3, maxSeries: 10).query("up", at: 1)
        }
        // A port nothing listens on any more.
        let stopped = try FakeUpstream { _, _ in .hang }
        stopped.stop()
        do {
            _ = try PrometheusClient(baseURL: stopped.baseURL, timeout: 1, maxSeries: 10).query("up", at: 1)
            Issue.record("a closed port answered")
        } catch {
            #expect(error.reason == "unreachable", "\(error)")
        }
        let failing = try FakeUpstream { _, _ in
            .respond(status: 422, body: #"{"status":"error","errorType":"execution","error":"many-to-many matching"}"#)
        }
        defer { failing.stop() }
        #expect(
            throws: PrometheusQueryError.queryFailed(
                status: 422, errorType: "execution", message: "many-to-many matching")
        ) {
            try PrometheusClient(baseURL: failing.baseURL, timeout: 1, maxSeries: 10).query("up", at: 1)
        }
    }

    @Test func aResponseBeyondTheSeriesBudgetIsRefusedWhileReading() throws {
        let series = (0..<200).map {
            #"{"metric":{"i":"\#($0)","pad":"\#(String(repeating: "x", count: 2_000))"},"value":[5,"1"]}"#
        }
        let body = #"{"status":"success","data":{"resultType":"vector","result":[\#(series.joined(separator: ","))]}}"#
        let upstream = try FakeUpstream { _, _ in .respond(status: 200, body: body) }
        defer { upstream.stop() }
        // 1 series allowed: 64 KiB + 2 KiB of body, far less than the 400 KB sent.
        #expect(throws: PrometheusQueryError.responseTooLarge(limit: PrometheusClient.maxResponseBytes(maxSeries: 1))) {
            try PrometheusClient(baseURL: upstream.baseURL, timeout: 2, maxSeries: 1).query("up", at: 1)
        }
        #expect(throws: PrometheusQueryError.tooManySeries(count: 200, limit: 199)) {
            try PrometheusClient(baseURL: upstream.baseURL, timeout: 2, maxSeries: 199).query("up", at: 1)
        }
    }
}
