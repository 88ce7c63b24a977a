import Outbound

/// Prometheus's HTTP API for instant queries, over riskd's libcurl client (Thanos Query and Mimir serve the
/// same API under their own prefix; `baseURL` is everything before `/api/v1`).
///
/// Queries are sent as `POST /api/v1/query` with a form body, which Prometheus, Thanos and Mimir all accept,
/// so a long PromQL expression never meets a proxy's URL length limit. Every call is bounded: the total
/// timeout (also passed as the query's own `timeout`, so Prometheus stops evaluating it too), the response
/// size and the number of series.
public struct PrometheusClient: Sendable {
    public let baseURL: String
    public let timeout: Double
    public let maxSeries: Int
    private let http: HTTPClient

    /// Bytes allowed per series in a response: labels of ordinary exporters take 100–500 bytes.
    public static let responseBytesPerSeries = 2_048

    public init(baseURL: String, timeout: Double, maxSeries: Int) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
        self.maxSeries = maxSeries
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeout = min(configuration.connectTimeout, timeout)
        configuration.totalTimeout = timeout
        configuration.maxResponseBytes = Self.maxResponseBytes(maxSeries: maxSeries)
        configuration.userAgent = "riskd-prometheus-features"
        http = HTTPClient(configuration: configuration)
    }

    /// The response size limit for `maxSeries` series (plus room for the envelope and warnings).
    public static func maxResponseBytes(maxSeries: Int) -> Int {
        65_536 + maxSeries * responseBytesPerSeries
    }

    /// Evaluates `promql` at `time` (Unix seconds; sent with millisecond precision, Prometheus's own).
    public func query(_ promql: String, at time: Double) throws(PrometheusQueryError) -> InstantVector {
        let form = [("query", promql), ("time", Self.timeText(time)), ("timeout", Self.timeText(timeout))]
            .map { "\($0)=\(Self.formEncoded($1))" }.joined(separator: "&")
        let response: OutboundResponse
        do {
            response = try http.post(
                url: baseURL + "/api/v1/query",
                headers: [
                    (name: "Content-Type", value: "application/x-www-form-urlencoded"),
                    (name: "Accept", value: "application/json"),
                ], body: Array(form.utf8))
        } catch {
            switch error {
            case .timeout: throw .timeout
            case .responseTooLarge(let limit): throw .responseTooLarge(limit: limit)
            case .invalidURL(let message): throw .unreachable("invalid URL: \(message)")
            case .connectionRefused(let message), .transport(_, let message): throw .unreachable(message)
            }
        }
        return try InstantVector(decoding: response.body, status: response.status, maxSeries: maxSeries)
    }

    /// Seconds with millisecond precision and no exponent (`1700000000.123`).
    public static func timeText(_ seconds: Double) -> String {
        let milliseconds = Int64((seconds * 1000).rounded())
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        let fraction = String(magnitude % 1000)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// `application/x-www-form-urlencoded`: everything but RFC 3986 unreserved bytes percent-encoded.
    static func formEncoded(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count * 3)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
