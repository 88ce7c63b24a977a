/// Why an instant query produced no vector riskd can use; `reason` is the metric label
/// (`riskd_prometheus_evaluation_failures_total{reason}`), so each case has one stable name.
public enum PrometheusQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing answered at the URL (connection refused, DNS, reset).
    case unreachable(String)
    /// The query took longer than `--prometheus-timeout`.
    case timeout
    /// Prometheus answered `{"status":"error"}`: `errorType` is its own (`bad_data`, `execution`, ...).
    case queryFailed(status: Int, errorType: String, message: String)
    /// A non-2xx answer without Prometheus's error body (a proxy, a wrong URL).
    case httpStatus(Int)
    /// The body is not a Prometheus API response with a vector result.
    case malformed(String)
    /// More series than `--prometheus-max-series`: nothing from this evaluation is scored.
    case tooManySeries(count: Int, limit: Int)
    /// The body exceeded the byte limit derived from the series limit (decoding it would cost unbounded memory).
    case responseTooLarge(limit: Int)

    public var reason: String {
        switch self {
        case .unreachable: "unreachable"
        case .timeout: "timeout"
        case .queryFailed: "query_error"
        case .httpStatus: "http_status"
        case .malformed: "bad_response"
        case .tooManySeries: "too_many_series"
        case .responseTooLarge: "response_too_large"
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let message): "Prometheus unreachable: \(message)"
        case .timeout: "query timed out"
        case .queryFailed(let status, let type, let message): "Prometheus answered \(status) \(type): \(message)"
        case .httpStatus(let status): "HTTP \(status) without a Prometheus error body"
        case .malformed(let message): "not a Prometheus vector response: \(message)"
        case .tooManySeries(let count, let limit): "\(count) series returned, more than the limit of \(limit)"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        }
    }
}
