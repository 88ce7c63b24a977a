/// Limits for every outbound request, so a slow or hostile receiver cannot hold a worker thread or
/// memory for longer than the operator allowed.
public struct HTTPClientConfiguration: Sendable {
    /// Seconds allowed for the TCP (and TLS) connect.
    public var connectTimeout: Double = 2
    /// Seconds allowed for the whole request, connect included, unless a call passes its own.
    public var totalTimeout: Double = 10
    /// Largest response body kept; a larger one fails with `OutboundError.responseTooLarge`.
    public var maxResponseBytes: Int = 1 << 20
    /// Sent as `User-Agent` unless the caller sets one.
    public var userAgent: String = "riskd"

    public init() {}
}
