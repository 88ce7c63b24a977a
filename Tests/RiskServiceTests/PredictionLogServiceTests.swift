import Foundation
import JSON
import RiskService
import RiskdTesting
import Testing

@Suite struct PredictionLogServiceTests {
    @Test func flagsSetTheSampleRateAndTheByteBudget() throws {
        let defaults = try ServiceConfiguration.resolve(arguments: [], environment: [:])
        #expect(defaults.predictionLogSampleRate == 0.01)
        #expect(defaults.predictionLogMaxBytes == 256 << 20)
        let set = try ServiceConfiguration.resolve(
            arguments: ["--prediction-log-sample-rate", "0.25"],
            environment: ["RISKD_PREDICTION_LOG_MAX_BYTES": "1048576"])
        #expect(set.predictionLogSampleRate == 0.25 && set.predictionLogMaxBytes == 1 << 20)
        for bad in [["--prediction-log-sample-rate", "1.5"], ["--prediction-log-max-bytes", "10"]] {
            #expect(throws: ServiceConfiguration.Error.self) {
                try ServiceConfiguration.resolve(arguments: bad, environment: [:])
            }
        }
    }

    /// At rate 1 every prediction reaches the log (compact lines after a schema line); at rate 0 none
    /// does, and /metrics counts them as sampled out.
    @Test(arguments: [1.0, 0.0]) func theServiceLogsItsSample(rate: Double) throws {
        var directory = ""
        var metrics = ""
        do {
            let running = try RunningService { $0.predictionLogSampleRate = rate }
            directory = running.dataDirectory + "/predictions"
            let instances = (0..<20).map { #"{"features": {"a": \#($0), "b": 0.5}, "entity": "disk-\#($0)"}"# }
            let response = try running.request(
                "POST", "/v1/models/disk/predict", json: #"{"instances": [\#(instances.joined(separator: ","))]}"#)
            #expect(response.status == 200)
            metrics = String(decoding: try running.request("GET", "/metrics").body, as: UTF8.self)
            running.service.shutdown()
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            let lines = try files.flatMap { name in
                try String(contentsOfFile: directory + "/" + name, encoding: .utf8).split(separator: "\n")
                    .map { try JSONParser().parse(String($0)) }
            }
            let predictions = lines.filter { $0["schema"] == nil }
            if rate == 1 {
                #expect(predictions.count == 20)
                #expect(lines.first?["schema"]?["feature_names"] == ["a", "b"])
                #expect(predictions.first?["features"]?.arrayValue?.count == 2)
                #expect(metrics.contains("riskd_prediction_log_sampled_out_total 0"))
            } else {
                #expect(predictions.isEmpty)
                #expect(metrics.contains("riskd_prediction_log_sampled_out_total 20"))
            }
        }
    }
}
