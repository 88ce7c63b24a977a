import Foundation
import JSON
import RiskdTesting
import Testing

@Suite struct InferenceProtocolRoutesTests {
    @Test func healthAndMetadataHaveTheProtocolShapes() throws {
        let running = try RunningService()
        #expect(try running.request("GET", "/v2/health/live").json()["live"] == true)
        #expect(try running.request("GET", "/v2/health/ready").json()["ready"] == true)
        let server = try running.request("GET", "/v2").json()
        #expect(server["name"] == "riskd")
        let metadata = try running.request("GET", "/v2/models/disk").json()
        #expect(metadata["name"] == "disk")
        #expect(metadata["versions"] == ["1"])
        #expect(metadata["inputs"]?.arrayValue?.first?["shape"] == [-1, 2])
        #expect(try running.request("GET", "/v2/models/disk/ready").status == 200)
        #expect(try running.request("GET", "/v2/models/disk/versions/5/ready").status == 400)
        let missing = try running.request("GET", "/v2/models/nope")
        #expect(missing.status == 404)
        #expect(try missing.json()["error"]?.stringValue?.contains("nope") == true)
    }

    @Test func infersFromOneMatrixTensorAndEchoesTheID() throws {
        let running = try RunningService()
        let response = try running.request(
            "POST", "/v2/models/disk/infer",
            json:
                #"{"id": "req-7", "inputs": [{"name": "input", "datatype": "FP64", "shape": [2, 2], "data": [[1, 0.5], [0, 0]]}]}"#
        )
        #expect(response.status == 200)
        let body = try response.json()
        #expect(body["id"] == "req-7")
        #expect(body["model_name"] == "disk")
        #expect(body["model_version"] == "1")
        let outputs = try #require(body["outputs"]?.arrayValue)
        let score = try #require(outputs.first { $0["name"] == "score" })
        #expect(score["shape"] == [2])
        let values = try #require(score["data"]?.arrayValue?.compactMap { $0.doubleValue })
        #expect(abs(values[0] - 1 / (1 + exp(-1.0))) < 1e-12)
        #expect(abs(values[1] - 1 / (1 + exp(1.0))) < 1e-12)
    }

    @Test func infersFromOneTensorPerFeatureAndFiltersOutputs() throws {
        let running = try RunningService()
        let response = try running.request(
            "POST", "/v2/models/disk/versions/1/infer",
            json: """
                {"inputs": [{"name": "b", "datatype": "FP32", "shape": [1], "data": [0.5]},
                            {"name": "a", "datatype": "FP32", "shape": [1, 1], "data": [[1]]}],
                 "outputs": [{"name": "risk"}]}
                """)
        #expect(response.status == 200)
        let outputs = try #require(try response.json()["outputs"]?.arrayValue)
        #expect(outputs.map { $0["name"] } == ["risk"])
    }

    @Test(arguments: [
        #"{"inputs": []}"#,
        #"{"inputs": [{"name": "input", "datatype": "BYTES", "shape": [1, 2], "data": ["a", "b"]}]}"#,
        #"{"inputs": [{"name": "input", "datatype": "FP64", "shape": [2, 2], "data": [1, 2, 3]}]}"#,
        #"{"inputs": [{"name": "zz", "datatype": "FP64", "shape": [1], "data": [1]}]}"#,
    ])
    func malformedRequestsAre400WithAProtocolError(body: String) throws {
        let running = try RunningService()
        let response = try running.request("POST", "/v2/models/disk/infer", json: body)
        #expect(response.status == 400)
        #expect(try response.json()["error"]?.stringValue?.isEmpty == false)
    }
}
