import JSON
import Testing

@testable import Monitoring

@Suite struct SLOEvaluationTests {
    private func decode(_ text: String) throws -> SLOEvaluationRequest {
        try SLOEvaluationRequest(json: try JSONParser().parse(text))
    }

    private func decodingError(_ text: String) throws -> JSONDecodingError? {
        do {
            _ = try decode(text)
            return nil
        } catch let error as JSONDecodingError {
            return error
        }
    }

    @Test func evaluatesAFullRequest() throws {
        let request = try decode(
            """
            {"target":0.999,"window_seconds":2592000,"good":9995,"total":10000,"confidence":0.95,
             "windows":{"1h":{"good":980,"total":1000},"5m":{"good":97,"total":100}},
             "compare":{"availability_a":0.999,"availability_b":0.9995}}
            """)
        #expect(request.windows.count == 2 && request.compare?.power == 0.8)
        let evaluation = SLOEvaluation(request)
        #expect(!evaluation.significantlyAboveTarget)
        #expect(evaluation.alert.severity == .page)
        let json = evaluation.json()
        #expect(json["alert"]?["state"] == "page")
        #expect(json["sample_size"]?["requests_one_sided"] == 20053)
        #expect(json["intervals"]?["clopper_pearson"]?["method"] == "clopper_pearson")
        #expect(json["error_budget"]?["spent_requests"] == 5)
    }

    @Test func errorsNameTheField() throws {
        let base = #""target":0.999,"window_seconds":60"#
        #expect(try decodingError("{\(base),\"good\":11,\"total\":10}")?.path == "good")
        #expect(try decodingError(#"{"target":1,"window_seconds":60,"good":1,"total":1}"#)?.path == "target")
        #expect(try decodingError(#"{"target":0.9,"window_seconds":0,"good":1,"total":1}"#)?.path == "window_seconds")
        #expect(try decodingError("{\(base),\"good\":1}")?.path == "total")
        #expect(
            try decodingError("{\(base),\"good\":1,\"total\":1,\"windows\":{\"5m\":{\"good\":-1,\"total\":2}}}")?.path
                == "windows.5m.good")
        #expect(
            try decodingError("{\(base),\"good\":1,\"total\":1,\"compare\":{\"availability_a\":0.9}}")?.path
                == "compare.availability_b")
        #expect(try decodingError("[1]")?.path == "")
    }
}
