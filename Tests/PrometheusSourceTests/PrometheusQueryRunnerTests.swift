import Foundation
import HTTPCore
import RiskdTesting
import Testing

@testable import PrometheusSource

/// One evaluation's queries: all at the same instant, at most `concurrency` at once, failing as a whole.
@Suite struct PrometheusQueryRunnerTests {
    static let features = (0..<6).map { PrometheusFeatureSource.Feature(name: "f\($0)", query: "q\($0)") }

    @Test func everyQueryOfAnEvaluationUsesTheSameTimeAndAtMostConcurrencyRunAtOnce() throws {
        let delay = 0.3
        let upstream = try FakeUpstream { _, _ in
            .delay(
                seconds: delay,
                then: .json(.ok, Array(PrometheusClientTests.vectorBody.utf8)))
        }
        defer { upstream.stop() }
        let runner = PrometheusQueryRunner(
            client: PrometheusClient(baseURL: upstream.baseURL, timeout: 5, maxSeries: 10), concurrency: 2)
        defer { runner.stop() }
        let started = Date()
        let vectors = try runner.evaluate(Self.features, at: 1_700_000_000.5)
        let elapsed = Date().timeIntervalSince(started)
        #expect(Set(vectors.keys) == Set(Self.features.map(\.name)))
        let forms = upstream.requests.map(PrometheusClientTests.form)
        #expect(forms.count == 6)
        #expect(Set(forms.compactMap { $0["time"] }) == ["1700000000.500"])
        #expect(Set(forms.compactMap { $0["query"] }) == Set(Self.features.map(\.query)))
        // Six delayed answers two at a time take three rounds; all six at once would take one.
        #expect(elapsed >= delay * 3 * 0.9)
    }

    @Test func oneFailedQueryFailsTheEvaluation() throws {
        let upstream = try FakeUpstream { request, _ in
            String(decoding: request.body, as: UTF8.self).contains("query=q3")
                ? .respond(status: 400, body: #"{"status":"error","errorType":"bad_data","error":"parse error"}"#)
                : .respond(status: 200, body: PrometheusClientTests.vectorBody)
        }
        defer { upstream.stop() }
        let runner = PrometheusQueryRunner(
            client: PrometheusClient(baseURL: upstream.baseURL, timeout: 5, maxSeries: 10), concurrency: 3)
        defer { runner.stop() }
        #expect(throws: PrometheusQueryError.queryFailed(status: 400, errorType: "bad_data", message: "parse error")) {
            try runner.evaluate(Self.features, at: 1)
        }
    }
}
