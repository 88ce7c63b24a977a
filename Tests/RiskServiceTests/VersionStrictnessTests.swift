import Foundation
import JSON
import RiskdTesting
import Testing

/// A version has one spelling: `+1` and `01` are refused with 400 wherever a version is read, and a canary
/// weight outside 0...1 is a bad request, not a conflict.
@Suite struct VersionStrictnessTests {
    let admin = [("Authorization", "Bearer admin-token-0123456789")]
    let reader = [("Authorization", "Bearer read-token-01234567890")]
    static let predictBody = #"{"instances": [{"features": {"a": 1, "b": 1}}]}"#
    static let inferBody = #"{"inputs": [{"name": "input", "datatype": "FP64", "shape": [1, 2], "data": [[1, 0.5]]}]}"#

    @Test(arguments: ["+1", "01", "%2B1", "1.0", "0", "-1"])
    func nonCanonicalVersionsInPathsAre400(version: String) throws {
        let running = try RunningService(tokens: ModelRoutesTests.tokens)
        let paths: [(String, String, String?, [(String, String)])] = [
            ("POST", "/v1/models/disk/versions/\(version)/predict", Self.predictBody, reader),
            ("POST", "/v1/models/disk/versions/\(version)/load", nil, admin),
            ("POST", "/v1/models/disk/versions/\(version)/unload", nil, admin),
            ("GET", "/v2/models/disk/versions/\(version)", nil, reader),
            ("POST", "/v2/models/disk/versions/\(version)/infer", Self.inferBody, reader),
        ]
        for (method, path, body, headers) in paths {
            let response = try running.request(method, path, json: body, headers: headers)
            #expect(response.status == 400, "\(method) \(path): \(response.status) \(response.text)")
        }
        // The canonical spelling still works.
        let ok = try running.request(
            "POST", "/v1/models/disk/versions/1/predict", json: Self.predictBody, headers: reader)
        #expect(ok.status == 200)
        #expect(try running.request("GET", "/v2/models/disk/versions/1", headers: reader).status == 200)
        let infer = try running.request(
            "POST", "/v2/models/disk/versions/1/infer", json: Self.inferBody, headers: reader)
        #expect(infer.status == 200, "\(infer.text)")
        #expect(try running.request("POST", "/v1/models/disk/versions/1/load", headers: admin).status == 200)
    }

    @Test func aliasVersionAndCanaryWeightOutOfRangeAre400() throws {
        let running = try RunningService(tokens: ModelRoutesTests.tokens)
        for body in [
            #"{"version": 1, "weight": 2}"#, #"{"version": 1, "weight": -0.1}"#, #"{"version": 0, "weight": 0.1}"#,
        ] {
            let response = try running.request("PUT", "/v1/models/disk/aliases/canary", json: body, headers: admin)
            #expect(response.status == 400, "\(body): \(response.status) \(response.text)")
            #expect(response.errorCode == "invalid_request")
        }
        let production = try running.request(
            "PUT", "/v1/models/disk/aliases/production", json: #"{"version": -3}"#, headers: admin)
        #expect(production.status == 400)
        let good = try running.request(
            "PUT", "/v1/models/disk/aliases/canary", json: #"{"version": 1, "weight": 1}"#, headers: admin)
        #expect(good.status == 200)
    }
}
