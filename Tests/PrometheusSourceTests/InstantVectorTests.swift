import Testing

@testable import PrometheusSource

/// Decoding Prometheus's `/api/v1/query` answers: vectors, the string-encoded values (NaN, ±Inf),
/// scalars, error bodies and the series limit.
@Suite struct InstantVectorTests {
    static func decode(_ body: String, status: Int = 200, maxSeries: Int = 100) throws(PrometheusQueryError)
        -> InstantVector
    {
        try InstantVector(decoding: Array(body.utf8), status: status, maxSeries: maxSeries)
    }

    @Test func vectorSamplesKeepLabelsWithoutTheMetricNameAndDecodeSpecialValues() throws {
        let vector = try Self.decode(
            #"""
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"__name__":"smartctl_device_attribute","device":"sda","attribute_id":"5"},
               "value":[1700000000.123,"42.5"]},
              {"metric":{"device":"sdb"},"value":[1700000000.123,"NaN"]},
              {"metric":{"device":"sdc"},"value":[1700000000.123,"+Inf"]},
              {"metric":{"device":"sdd"},"value":[1700000000.123,"-Inf"]},
              {"metric":{"device":"sde"},"value":[1700000000.123,"1.5e+06"]}]}}
            """#)
        #expect(vector.samples.count == 5)
        #expect(vector.samples[0].labels == ["device": "sda", "attribute_id": "5"])
        #expect(vector.samples[0].timestamp == 1_700_000_000.123)
        #expect(vector.samples[0].value == 42.5)
        #expect(vector.samples[1].value.isNaN)
        #expect(vector.samples[2].value == .infinity)
        #expect(vector.samples[3].value == -.infinity)
        #expect(vector.samples[4].value == 1_500_000)
    }

    @Test func anEmptyVectorIsNoSeriesAndAScalarIsOneUnlabelledSample() throws {
        let empty = try Self.decode(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#)
        #expect(empty.samples.isEmpty)
        let scalar = try Self.decode(#"{"status":"success","data":{"resultType":"scalar","result":[17,"3"]}}"#)
        #expect(scalar.samples == [.init(labels: [:], timestamp: 17, value: 3)])
    }

    @Test func prometheusErrorBodiesKeepTheirTypeAndMessage() {
        #expect(throws: PrometheusQueryError.queryFailed(status: 400, errorType: "bad_data", message: "parse error")) {
            try Self.decode(#"{"status":"error","errorType":"bad_data","error":"parse error"}"#, status: 400)
        }
        #expect(throws: PrometheusQueryError.queryFailed(status: 503, errorType: "timeout", message: "query timed out"))
        {
            try Self.decode(#"{"status":"error","errorType":"timeout","error":"query timed out"}"#, status: 503)
        }
        // A proxy's HTML page is not Prometheus talking.
        #expect(throws: PrometheusQueryError.httpStatus(502)) {
            try Self.decode("<html>bad gateway</html>", status: 502)
        }
    }

    @Test func shapesOtherThanAnInstantVectorAreMalformed() {
        let bodies = [
            #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"inf"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"2"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector"}}"#,
            #"{"status":"pending"}"#,
            "not json",
        ]
        for body in bodies {
            do {
                let vector = try Self.decode(body)
                Issue.record("\(body) decoded to \(vector)")
            } catch {
                #expect(error.reason == "bad_response", "\(body): \(error)")
            }
        }
    }

    @Test func moreSeriesThanTheLimitFailsBeforeAnySampleIsBuilt() {
        let series = (0..<4).map { #"{"metric":{"device":"d\#($0)"},"value":[1,"1"]}"# }.joined(separator: ",")
        let body = #"{"status":"success","data":{"resultType":"vector","result":[\#(series)]}}"#
        #expect(throws: PrometheusQueryError.tooManySeries(count: 4, limit: 3)) {
            try Self.decode(body, maxSeries: 3)
        }
        #expect((try? Self.decode(body, maxSeries: 4))?.samples.count == 4)
    }
}
