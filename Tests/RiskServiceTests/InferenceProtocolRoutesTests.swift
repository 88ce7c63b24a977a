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
        // Outputs the model does not have, or extensions riskd does not implement, are named, not ignored.
        #"{"inputs": [{"name": "a", "datatype": "FP64", "shape": [1], "data": [1]}], "outputs": [{"name": "prob"}]}"#,
        #"{"inputs": [{"name": "a", "datatype": "FP64", "shape": [1], "data": [1]}], "outputs": [{"name": "risk", "parameters": {"classification": 2}}]}"#,
        #"{"inputs": [{"name": "a", "datatype": "FP64", "shape": [1], "parameters": {"shared_memory_region": "r"}}]}"#,
        #"{"inputs": [{"name": "a", "datatype": "FP64", "shape": [1], "data": [1]}], "parameters": {"binary_data_output": 1}}"#,
    ])
    func malformedRequestsAre400WithAProtocolError(body: String) throws {
        let running = try RunningService()
        let response = try running.request("POST", "/v2/models/disk/infer", json: body)
        #expect(response.status == 400)
        #expect(try response.json()["error"]?.stringValue?.isEmpty == false)
    }
}

@Suite struct SharedScoringPathTests {
    /// Issue 12.5: all-null inputs got the raw model's 0.857 from /v2 while /v1 answered with the
    /// manifest's fallback. Both now go through one scoring path.
    @Test func allNullInputsGetTheManifestFallbackOnBothRoutes() throws {
        let running = try RunningService()
        let v1 = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": null, "b": null}}]}"#)
        #expect(v1.status == 200)
        let prediction = try #require(try v1.json()["predictions"]?.arrayValue?.first)
        #expect(prediction["source"] == "fallback")
        let v2 = try running.request(
            "POST", "/v2/models/disk/infer",
            json: #"{"inputs": [{"name": "input", "datatype": "FP64", "shape": [1, 2], "data": [[null, null]]}]}"#)
        #expect(v2.status == 200)
        let outputs = try #require(try v2.json()["outputs"]?.arrayValue)
        let risk = try #require(outputs.first { $0["name"] == "risk" }?["data"]?.arrayValue?.first?.doubleValue)
        #expect(risk == prediction["risk"]?.doubleValue)
        #expect(risk == 0.05)
        #expect(outputs.first { $0["name"] == "score" }?["data"] == [.null])
    }

    @Test func aModelRowGetsTheSameRiskOnBothRoutes() throws {
        let running = try RunningService()
        let v1 = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [{"features": {"a": 0.7, "b": 1.5}}]}"#)
        let v2 = try running.request(
            "POST", "/v2/models/disk/infer",
            json: #"{"inputs": [{"name": "input", "datatype": "FP64", "shape": [1, 2], "data": [0.7, 1.5]}]}"#)
        let outputs = try #require(try v2.json()["outputs"]?.arrayValue)
        let risk = outputs.first { $0["name"] == "risk" }?["data"]?.arrayValue?.first?.doubleValue
        let lower = outputs.first { $0["name"] == "lower" }?["data"]?.arrayValue?.first?.doubleValue
        let prediction = try v1.json()["predictions"]?.arrayValue?.first
        #expect(risk != nil && risk == prediction?["risk"]?.doubleValue)
        #expect(lower != nil && lower == prediction?["interval"]?["lower"]?.doubleValue)
    }

    @Test func tooFewFeaturesWithoutRulesIs422OnBothRoutes() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion(
            "disk", version: 1, coefficients: [1, 2], intercept: -1, manifest: #"{"min_feature_fraction": 1}"#)
        let running = try RunningService(repository: repository)
        let v1 = try running.request(
            "POST", "/v1/models/disk/predict",
            json: #"{"instances": [{"features": {"a": 1, "b": 1}}, {"features": {"a": 1}}]}"#)
        #expect(v1.status == 422)
        let error = try v1.json()["error"]
        #expect(error?["code"] == "insufficient_features")
        #expect(error?["message"]?.stringValue?.hasPrefix("instances[1]:") == true)
        #expect(error?["message"]?.stringValue?.contains("missing: b") == true)
        let v2 = try running.request(
            "POST", "/v2/models/disk/infer",
            json: #"{"inputs": [{"name": "input", "datatype": "FP64", "shape": [1, 2], "data": [null, 2]}]}"#)
        #expect(v2.status == 422)
        #expect(try v2.json()["error"]?.stringValue?.contains("missing: a") == true)
    }
}

@Suite struct InferenceProtocolDecodingTests {
    @Test func tensorFieldsInAnyOrderNestedDataAndBooleans() throws {
        let running = try RunningService()
        let response = try running.request(
            "POST", "/v2/models/disk/infer",
            json: """
                {"parameters": {"x": [1, {"y": null}]},
                 "inputs": [{"data": [[true], [false]], "shape": [2, 1], "name": "a", "datatype": "BOOL"},
                            {"datatype": "FP32", "name": "b", "parameters": {}, "shape": [2], "data": [0.5, 0.5]}],
                 "id": "x-1"}
                """)
        #expect(response.status == 200)
        let body = try response.json()
        #expect(body["id"] == "x-1")
        let score = try #require(try response.json()["outputs"]?.arrayValue?.first { $0["name"] == "score" })
        let values = try #require(score["data"]?.arrayValue?.compactMap { $0.doubleValue })
        #expect(abs(values[0] - 1 / (1 + exp(-1.0))) < 1e-12)
        #expect(abs(values[1] - 1 / (1 + exp(0.0))) < 1e-12)
    }

    @Test(arguments: [
        (#"{"inputs": [{"name": "input", "datatype": "FP64", "shape": [1, 2], "data": [1, 2]}"#, 400),
        (#"{"inputs": [{"name": "input", "datatype": "FP64", "shape": [1, 2], "data": [1, "2"]}]}"#, 400),
        (#"{"inputs": [{"name": "input", "datatype": "FP64", "shape": [-1, 2], "data": [1, 2]}]}"#, 400),
        (#"{"id": "only"}"#, 400),
        (#"[]"#, 400),
    ])
    func brokenBodiesAreProtocolErrors(body: String, status: Int) throws {
        let running = try RunningService()
        let response = try running.request("POST", "/v2/models/disk/infer", json: body)
        #expect(response.status == status)
        #expect(try response.json()["error"]?.stringValue?.isEmpty == false)
    }

    @Test func aBodyThatIsNotJSONIs415() throws {
        let running = try RunningService()
        let response = try httpRequest(
            port: running.port, "POST", "/v2/models/disk/infer", headers: [("Content-Type", "text/plain")],
            body: Array("{}".utf8))
        #expect(response.status == 415)
    }
}
