import Foundation
import HTTPCore

/// Every limit and timeout of the server in one value, each with a production default.
public struct HTTPServerConfiguration: Sendable {
    /// "::" is dual-stack IPv6+IPv4; "0.0.0.0", "127.0.0.1" and "::1" work as usual. Numeric hosts only.
    public var host: String = "0.0.0.0"
    /// 0 binds an ephemeral port (see `HTTPServer.localPort`).
    public var port: Int = 8080
    public var eventLoopCount: Int
    public var backlog: Int32 = 1024
    /// Beyond this many open connections new ones are answered 503 and closed. Clamped at start to the
    /// process's descriptor limit (RLIMIT_NOFILE) minus `reservedDescriptors`.
    public var maxConnections: Int = 4096
    /// Descriptors kept back from `maxConnections` for files, the outbound client and the probe listener.
    public var reservedDescriptors: Int = 128
    /// A second listener serving only `probePaths`, outside `maxConnections`, so kubelet probes are answered
    /// when client connections are exhausted (like Envoy's admin port). nil: none; 0: an ephemeral port.
    public var probePort: Int?
    public var probePaths: Set<String> = ["/livez", "/readyz"]
    /// Open connections on the probe listener; beyond it new ones are closed at once.
    public var maxProbeConnections: Int = 64
    /// Request bytes all connections together may buffer (heads and bodies not yet complete); a connection
    /// that grows the total past it is answered 503 and closed.
    public var maxInflightBodyBytes: Int = 128 << 20
    public var maxHeaderBytes: Int = 16 * 1024
    public var maxHeaderCount: Int = 100
    public var maxRequestLineBytes: Int = 8 * 1024
    public var maxBodyBytes: Int = 1 << 20
    /// Responses pending per connection before the server stops reading from it.
    public var maxPipelinedRequests: Int = 32
    /// Seconds from the first byte of a request to the end of its head.
    public var headerReadTimeout: Double = 10
    /// Seconds a keep-alive connection may sit idle between requests.
    public var idleTimeout: Double = 60
    /// Seconds for the whole body to arrive once the head is complete.
    public var bodyReadTimeout: Double = 30
    /// Seconds a response may take to drain into a slow reader.
    public var writeTimeout: Double = 30
    /// Seconds a deferred response may take before the server answers 503 in its place.
    public var responseTimeout: Double = 30

    public init() {
        eventLoopCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The configuration with every count at least 1, so a zero from a config file cannot wedge a loop.
    var sanitized: HTTPServerConfiguration {
        var copy = self
        copy.eventLoopCount = max(1, eventLoopCount)
        copy.maxConnections = max(1, maxConnections)
        copy.maxPipelinedRequests = max(1, maxPipelinedRequests)
        copy.maxHeaderCount = max(1, maxHeaderCount)
        copy.maxBodyBytes = max(0, maxBodyBytes)
        copy.maxProbeConnections = max(1, maxProbeConnections)
        copy.maxInflightBodyBytes = max(0, maxInflightBodyBytes)
        return copy
    }

    /// `maxConnections` within a descriptor limit: each connection holds one descriptor, and accepting past
    /// the limit only fails with EMFILE. Never below 1.
    func connectionLimit(descriptorLimit: Int) -> Int {
        let available = descriptorLimit - reservedDescriptors
        return max(1, min(maxConnections, available > 0 ? available : descriptorLimit / 2))
    }

    var parserLimits: HTTPParserLimits {
        HTTPParserLimits(
            maxRequestLineBytes: maxRequestLineBytes, maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount,
            maxBodyBytes: maxBodyBytes)
    }
}
