import JSON

/// The result of one instant query: a sample per series, as Prometheus's HTTP API returns it
/// (`{"status":"success","data":{"resultType":"vector","result":[{"metric":{...},"value":[ts,"v"]}]}}`).
public struct InstantVector: Sendable, Equatable {
    /// One series' value at the evaluation time.
    public struct Sample: Sendable, Equatable {
        /// Labels without `__name__` (aggregations drop it anyway; it is never an entity).
        public let labels: [String: String]
        public let timestamp: Double
        /// As Prometheus wrote it: `"NaN"`, `"+Inf"` and `"-Inf"` decode to the matching Double.
        public let value: Double

        public init(labels: [String: String], timestamp: Double, value: Double) {
            self.labels = labels
            self.timestamp = timestamp
            self.value = value
        }
    }

    public let samples: [Sample]

    public init(samples: [Sample]) {
        self.samples = samples
    }

    /// Decodes an API answer with its HTTP status. A `scalar` result becomes one sample without labels;
    /// a `matrix` or `string` result is malformed for a feature (it needs one value per series).
    public init(decoding body: [UInt8], status: Int, maxSeries: Int) throws(PrometheusQueryError) {
        let root: JSONObject
        do {
            root = try JSONParser().parse(body).object(at: "")
        } catch {
            throw (200..<300).contains(status) ? .malformed("\(error)") : .httpStatus(status)
        }
        if root["status"]?.stringValue == "error" || !(200..<300).contains(status) {
            guard let message = root["error"]?.stringValue else { throw .httpStatus(status) }
            throw .queryFailed(
                status: status, errorType: root["errorType"]?.stringValue ?? "unknown", message: message)
        }
        do {
            guard try root.require("status", at: "").string(at: "status") == "success" else {
                throw JSONDecodingError(path: "status", message: "expected \"success\" or \"error\"")
            }
            let data = try root.require("data", at: "").object(at: "data")
            let type = try data.require("resultType", at: "data").string(at: "data.resultType")
            let result = try data.require("result", at: "data")
            switch type {
            case "vector":
                let series = try result.array(at: "data.result")
                guard series.count <= maxSeries else {
                    throw PrometheusQueryError.tooManySeries(count: series.count, limit: maxSeries)
                }
                var samples: [Sample] = []
                samples.reserveCapacity(series.count)
                for (index, element) in series.enumerated() {
                    let path = "data.result[\(index)]"
                    let item = try element.object(at: path)
                    var labels: [String: String] = [:]
                    for (name, value) in try item.require("metric", at: path).object(at: path + ".metric")
                    where name != "__name__" {
                        labels[name] = try value.string(at: "\(path).metric.\(name)")
                    }
                    let (timestamp, value) = try Self.point(try item.require("value", at: path), at: path + ".value")
                    samples.append(Sample(labels: labels, timestamp: timestamp, value: value))
                }
                self.samples = samples
            case "scalar":
                let (timestamp, value) = try Self.point(result, at: "data.result")
                samples = [Sample(labels: [:], timestamp: timestamp, value: value)]
            default:
                throw JSONDecodingError(
                    path: "data.resultType", message: "\(type): a feature query must return an instant vector")
            }
        } catch let error as PrometheusQueryError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// `[1700000000.123, "42.5"]`: Prometheus writes values as strings so NaN and ±Inf survive JSON.
    static func point(_ value: JSONValue, at path: String) throws(JSONDecodingError) -> (Double, Double) {
        let pair = try value.array(at: path)
        guard pair.count == 2 else { throw JSONDecodingError(path: path, message: "expected [timestamp, \"value\"]") }
        let timestamp = try pair[0].double(at: path + "[0]")
        let text = try pair[1].string(at: path + "[1]")
        guard let number = Self.sampleValue(text) else {
            throw JSONDecodingError(path: path + "[1]", message: "\"\(text)\" is not a sample value")
        }
        return (timestamp, number)
    }

    /// Go's float formatting as Prometheus emits it: decimals, exponents, `NaN`, `+Inf`, `-Inf`.
    static func sampleValue(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default:
            // Swift also accepts "inf", "nan" or hex floats, which Prometheus never writes: refuse them.
            guard let first = text.utf8.first, first == UInt8(ascii: "-") || (48...57).contains(first),
                !text.contains(where: { $0 == "x" || $0 == "X" || $0 == "n" || $0 == "N" })
            else { return nil }
            return Double(text)
        }
    }
}
