import Foundation
import JSON
import RiskdTesting
import Testing

/// The predict body is decoded straight from bytes; these pin down that it still reads every valid
/// JSON shape a client may send and rejects what the tree parser rejected.
@Suite struct PredictDecodingTests {
    @Test func keysInAnyOrderEscapesAndUnusedFieldsDecodeAlike() throws {
        let running = try RunningService()
        let body = #"""
            {"meta": {"trace": [1, {"x": null}], "ok": true}, "instances": [
              {"features": {"a": 1.5, "b": 0.25}},
              {"entity": "disk-9", "features": {"b": 0.25, "\u0061": 15e-1}, "note": "ignored"},
              {"features": {"a": 1.5, "b": 0.25}, "entity": null}
            ], "trailing": "x"}
            """#
        let response = try running.request("POST", "/v1/models/disk/predict", json: body)
        #expect(response.status == 200)
        let predictions = try #require(try response.json()["predictions"]?.arrayValue)
        #expect(predictions.count == 3)
        let risks = predictions.compactMap { $0["risk"]?.doubleValue }
        #expect(risks.count == 3 && risks[0] == risks[1] && risks[1] == risks[2])
        #expect(predictions[1]["entity"] == "disk-9")
        #expect(predictions[0]["entity"] == nil && predictions[2]["entity"] == nil)
        #expect(predictions.allSatisfy { $0["version"] == "1" })
    }

    @Test func namesInTheModelsOrderDecodeLikeAnyOtherOrder() throws {
        let running = try RunningService()
        let inOrder = #"{"instances": [{"features": { "a" : null ,\#n "b":0.25 }}, {"features": {"a": -2e0, "b": 7}}]}"#
        let shuffled = #"{"instances": [{"features": {"b": 0.25}}, {"features": {"b": 7, "a": -2}}]}"#
        let first = try running.request("POST", "/v1/models/disk/predict", json: inOrder)
        let second = try running.request("POST", "/v1/models/disk/predict", json: shuffled)
        #expect(first.status == 200 && second.status == 200)
        func risks(_ response: TestHTTPResponse) throws -> [JSONValue?] {
            try #require(try response.json()["predictions"]?.arrayValue).map { prediction in prediction["risk"] }
        }
        #expect(try risks(first) == risks(second))
        let flags = try #require(try first.json()["predictions"]?.arrayValue?.first?["flags"])
        #expect(flags["missing_features"]?.arrayValue?.compactMap(\.stringValue) == ["a"])
    }

    @Test(arguments: [
        (#"{"instances": [{"features": {"a": 1, "a": 2}}]}"#, 400, "invalid_json"),
        (#"{"instances": [{"features": {"b": 1, "a": 2, "b": 3}}]}"#, 400, "invalid_json"),
        (
            #"{"instances": [{"features": {"b": 1, "a": 2}}, {"features": {"a": 1, "zz": 2, "a": 3}}]}"#, 400,
            "invalid_json"
        ),
        (#"{"instances": [{"features": {"a": 1}, "features": {"b": 1, "a": 2}}]}"#, 400, "invalid_json"),
        // The in-order fast path hands each of these to the general path, which must still reject them.
        (#"{"instances": [{"features": {"a": 1, "b": 2}, "features": {"a": 1, "b": 2}}]}"#, 400, "invalid_json"),
        (#"{"instances": [{"features": {"a": 1, "b": 2.}}]}"#, 400, "invalid_json"),
        (#"{"instances": [{"features": {"a": nul, "b": 2}}]}"#, 400, "invalid_json"),
        (#"{"instances": [{"features": {"a": 1, "b": 2, "a": 3}}]}"#, 400, "invalid_json"),
        (#"{"instances": [{"features": {"a": 1, "b": 2 "c": 3}}]}"#, 400, "invalid_json"),
        (#"{"instances": [{"features": {"a": 1, "b": "2"}}]}"#, 400, "invalid_request"),
        (#"{"instances": [{"features": {"a": 1}}], }"#, 400, "invalid_json"),
        (#"{"instances": [{"features": {"a": 01}}]}"#, 400, "invalid_json"),
        (#"{"instances": [{"features": {"a": NaN}}]}"#, 400, "invalid_json"),
        (#"{"instances": [{"features": {"a": 1}}]} x"#, 400, "invalid_json"),
        (#"{"instances": {"features": {}}}"#, 400, "invalid_request"),
        (#"{"instances": [{"features": {"a": 1}, "entity": 5}]}"#, 400, "invalid_request"),
        (#"{"instances": [{"entity": "x"}]}"#, 400, "invalid_request"),
        (#"{"instances": [3]}"#, 400, "invalid_request"),
        (#""instances""#, 400, "invalid_request"),
    ])
    func malformedBodiesAreRejected(body: String, status: Int, code: String) throws {
        let running = try RunningService()
        let response = try running.request("POST", "/v1/models/disk/predict", json: body)
        #expect(response.status == status)
        #expect(try response.json()["error"]?["code"]?.stringValue == code)
    }

    @Test func deepNestingIsRejectedWithoutCrashing() throws {
        let running = try RunningService()
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        let response = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"x": \#(deep), "instances": []}"#)
        #expect(response.status == 400)
        #expect(try response.json()["error"]?["code"] == "invalid_json")
    }

    @Test func tooManyInstancesIs413() throws {
        let running = try RunningService()
        let instances = Array(repeating: #"{"features":{}}"#, count: 10_001).joined(separator: ",")
        let response = try running.request("POST", "/v1/models/disk/predict", json: #"{"instances": [\#(instances)]}"#)
        #expect(response.status == 413)
        #expect(try response.json()["error"]?["code"] == "too_many_instances")
    }

    @Test func aLargeBatchIsAnsweredWholeOffTheEventLoop() throws {
        let running = try RunningService()
        let instances = (0..<6_000).map {
            #"{"features":{"a":\#(Double($0 % 50) / 10),"b":0.5},"entity":"disk-\#($0)"}"#
        }
        let json = #"{"instances": [\#(instances.joined(separator: ","))]}"#
        #expect(json.utf8.count > 256 << 10)
        let response = try running.request("POST", "/v1/models/disk/predict", json: json)
        #expect(response.status == 200)
        let predictions = try #require(try response.json()["predictions"]?.arrayValue)
        #expect(predictions.count == 6_000)
        #expect(predictions[5_999]["entity"] == "disk-5999")
        let ids = Set(predictions.compactMap { $0["prediction_id"]?.stringValue })
        #expect(ids.count == 6_000)
    }
}

@Suite struct CanaryRoutingTests {
    /// Issue 12.7: each instance of a batch is routed by its own entity, and the canary's share of
    /// entities matches its weight.
    @Test func eachInstanceFollowsItsOwnEntity() throws {
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion("disk", version: 1, coefficients: [1, 2], intercept: -1)
        try repository.addLinearVersion("disk", version: 2, coefficients: [1, 2], intercept: 1)
        try repository.write(
            "disk", version: 2, file: "../aliases.json", #"{"production": 1, "canary": {"version": 2, "weight": 0.3}}"#)
        let running = try RunningService(repository: repository)
        let instances = (0..<2_000).map { #"{"features":{"a":1,"b":1},"entity":"k-\#($0)"}"# }
        let response = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [\#(instances.joined(separator: ","))]}"#)
        #expect(response.status == 200)
        let body = try response.json()
        #expect(body["version"] == "1")
        let predictions = try #require(body["predictions"]?.arrayValue)
        let canary = predictions.filter { $0["version"] == "2" }
        let share = Double(canary.count) / Double(predictions.count)
        #expect(abs(share - 0.3) <= 0.04, "canary share \(share)")
        // The canary's intercept is 2 higher: its answers differ, so routing is visible in the scores.
        let scores = Set(canary.compactMap { $0["score"]?.doubleValue })
        let production = Set(predictions.filter { $0["version"] == "1" }.compactMap { $0["score"]?.doubleValue })
        #expect(scores.count == 1 && production.count == 1 && scores != production)
        // Sticky: the same entity gets the same version in another request.
        let again = try running.request(
            "POST", "/v1/models/disk/predict", json: #"{"instances": [\#(instances[7]), \#(instances[8])]}"#)
        let versions = try #require(try again.json()["predictions"]?.arrayValue).map { $0["version"] }
        #expect(versions == [predictions[7]["version"], predictions[8]["version"]])
    }
}
