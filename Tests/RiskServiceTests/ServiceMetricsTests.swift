import Foundation
import RiskdTesting
import Testing

@testable import RiskService

/// The metrics the Prometheus rules and dashboard read, as a scrape shows them: the build, readiness,
/// predictions per model version (canary vs production), and drift breaches.
@Suite struct ServiceMetricsTests {
    static let admin = [("Authorization", "Bearer admin-token-0123456789")]

    static func metrics(_ running: RunningService) throws -> String {
        try running.request("GET", "/metrics", headers: [("Authorization", "Bearer read-token-01234567890")]).text
    }

    @Test func buildInfoNamesTheReleaseAndACommitOfThisRepository() throws {
        let running = try RunningService()
        let line = try #require(
            try Self.metrics(running).split(separator: "\n").first { $0.hasPrefix("riskd_build_info{") })
        #expect(line.hasPrefix(#"riskd_build_info{version="\#(riskdVersion)",revision=""#) && line.hasSuffix("} 1"))
        let root = KubernetesDeploymentTests.repositoryRoot
        if FileManager.default.fileExists(atPath: root + "/.git") {
            // Built from a git checkout: the revision is a commit that exists in it.
            #expect(riskdRevision.count == 40 && riskdRevision.allSatisfy(\.isHexDigit))
            _ = try KubernetesDeploymentTests.run(["git", "-C", root, "cat-file", "-e", riskdRevision + "^{commit}"])
        } else {
            #expect(riskdRevision == "unknown")
        }
    }

    @Test func predictionsAreCountedPerModelVersionAndUnloadedVersionsLeave() throws {
        let repository = try TemporaryModelRepository()
        for version in [1, 2] {
            try repository.addLinearVersion(
                "disk", version: version, coefficients: [1, 2], intercept: -1, manifest: RunningService.fullManifest)
        }
        let running = try RunningService(repository: repository, tokens: ModelRoutesTests.tokens)
        let write = [("Authorization", "Bearer write-token-0123456789")]
        let body = #"{"instances": [{"features": {"a": 1, "b": 0}}, {"features": {"a": -3, "b": 0}}]}"#
        #expect(try running.request("POST", "/v1/models/disk/predict", json: body, headers: write).status == 200)
        #expect(
            try running.request("POST", "/v1/models/disk/versions/1/predict", json: body, headers: write).status == 200)
        let text = try Self.metrics(running)
        let served = text.split(separator: "\n").filter {
            $0.hasPrefix(#"riskd_predictions_total{model="disk","#) && !$0.hasSuffix(" 0")
        }
        #expect(served.contains { $0.contains(#"version="1",source="model""#) })
        #expect(served.contains { $0.contains(#"version="2",source="model""#) })
        let total = served.compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(total == 4)

        #expect(try running.request("POST", "/v1/models/disk/versions/1/unload", headers: Self.admin).status == 200)
        running.service.refreshMonitoring(now: Date().timeIntervalSince1970)
        let after = try Self.metrics(running)
        #expect(!after.contains(#"riskd_predictions_total{model="disk",version="1""#))
        #expect(after.contains(#"riskd_predictions_total{model="disk",version="2""#))
    }

    @Test func readinessIsAMetric() throws {
        let running = try RunningService()
        #expect(try Self.metrics(running).contains("\nriskd_ready 1\n"))
        running.service.beginDrain()
        #expect(try Self.metrics(running).contains("\nriskd_ready 0\n"))
    }

    @Test func driftBreachAndRetrainingRequestsAreMetrics() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion(
            "disk", version: 1,
            manifest: RunningService.driftReferenceManifest)
        let running = try RunningService(
            repository: repository, policy: #"{"retraining": {"psi": 0.2, "min_samples": 20}}"#)
        func predict(_ a: Int) throws {
            let instances = (0..<40).map { _ in #"{"features": {"a": \#(a), "b": 0}}"# }.joined(separator: ",")
            let answer = try running.request(
                "POST", "/v1/models/disk/predict", json: #"{"instances": [\#(instances)]}"#)
            #expect(answer.status == 200)
        }
        try predict(8)
        running.service.refreshMonitoring(now: Date().timeIntervalSince1970)
        var text = try Self.metrics(running)
        // The counter exists at 0 before the first request, so Prometheus sees that one as an increase.
        #expect(text.contains("riskd_retraining_requests_total{model=\"disk\"} 0\n"))
        #expect(text.contains("riskd_model_drift_breached{model=\"disk\",version=\"1\"} 1\n"))
        running.service.maintain()
        text = try Self.metrics(running)
        #expect(text.contains("riskd_retraining_requests_total{model=\"disk\"} 1\n"))
    }
}
