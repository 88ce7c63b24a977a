/// Why an outbound request got no usable response; callers decide from the case whether to retry.
public enum OutboundError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The connect or the whole request took longer than allowed.
    case timeout
    /// Nothing listened at the address (or the connect failed outright).
    case connectionRefused(String)
    /// The response body exceeded `HTTPClientConfiguration.maxResponseBytes`.
    case responseTooLarge(limit: Int)
    /// The URL is malformed or uses a scheme other than http/https.
    case invalidURL(String)
    /// Any other transport failure (connection reset, empty reply, DNS, TLS), with libcurl's code.
    case transport(code: Int, message: String)

    public var description: String {
        switch self {
        case .timeout: "timed out"
        case .connectionRefused(let message): "connection failed: \(message)"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .invalidURL(let message): "invalid URL: \(message)"
        case .transport(let code, let message): "transport error \(code): \(message)"
        }
    }
}
