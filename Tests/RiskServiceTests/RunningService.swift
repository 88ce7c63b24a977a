import Foundation
import JSON
import Log
import RiskService
import RiskdTesting

/// A real riskd on 127.0.0.1:0 over a temporary model repository and data directory, for end-to-end tests.
final class RunningService {
    let service: RiskService
    let repository: TemporaryModelRepository
    let dataDirectory: String
    let logs = RecordingLogSink()

    init(
        repository: TemporaryModelRepository? = nil, tokens: String? = nil, policy: String? = nil,
        configure: (inout ServiceConfiguration) -> Void = { _ in }
    ) throws {
        let repository = try repository ?? Self.defaultRepository()
        self.repository = repository
        dataDirectory = NSTemporaryDirectory() + "riskd-data-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        var configuration = ServiceConfiguration(modelsDirectory: repository.root)
        configuration.server.host = "127.0.0.1"
        configuration.server.port = 0
        configuration.server.eventLoopCount = 2
        configuration.dataDirectory = dataDirectory
        configuration.registry.pollInterval = 0
        configuration.gracePeriod = 5
        if let tokens {
            configuration.tokensFile = dataDirectory + "/tokens.json"
            try Data(tokens.utf8).write(to: URL(fileURLWithPath: configuration.tokensFile!))
        }
        if let policy {
            configuration.policyFile = dataDirectory + "/policy.json"
            try Data(policy.utf8).write(to: URL(fileURLWithPath: configuration.policyFile!))
        }
        configure(&configuration)
        service = try RiskService(configuration: configuration, logger: Logger(label: "test", sink: logs))
        try service.start()
    }

    var port: Int { service.port }

    /// One model, `disk`, version 1: logistic over features a and b with a manifest that has everything.
    static func defaultRepository() throws -> TemporaryModelRepository {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion(
            "disk", version: 1, coefficients: [1, 2], intercept: -1, manifest: fullManifest)
        return repository
    }

    static let fullManifest = """
        {"task": "binary",
         "features": [{"name": "a", "metric": "temp", "aggregation": "mean", "window_seconds": 900},
                      {"name": "b", "metric": "errors", "aggregation": "last", "window_seconds": 3600}],
         "min_feature_fraction": 0.5,
         "calibration": {"method": "venn_abers",
                         "scores": [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97],
                         "labels": [0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1]},
         "training_range": {"a": {"min": -5, "max": 5}, "b": {"min": 0, "max": 3}},
         "tiers": {"l1": {"risk": 0.3}, "l3": {"lower": 0.6}},
         "fallback": {"rules": [{"feature": "b", "op": ">=", "value": 2, "risk": 0.8, "reason": "many errors"}],
                      "default_risk": 0.05}}
        """

    /// Features a and b with a drift reference for a only (a histogram centred on 0): inputs far from 0
    /// drift; for the drift, retraining and monitoring tests.
    static let driftReferenceManifest = """
        {"reference": {"features": {"a": {"edges": [-10, 0, 10], "proportions": [0.5, 0.5], "mean": 0, "std": 5}}},
         "features": [{"name": "a"}, {"name": "b"}]}
        """

    func request(
        _ method: String, _ path: String, json: String? = nil, headers: [(String, String)] = []
    ) throws -> TestHTTPResponse {
        var allHeaders = headers
        if json != nil { allHeaders.append(("Content-Type", "application/json")) }
        return try httpRequest(port: port, method, path, headers: allHeaders, body: Array((json ?? "").utf8))
    }

    deinit {
        service.shutdown()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }
}
