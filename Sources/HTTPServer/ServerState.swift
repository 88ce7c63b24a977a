import Log
import Synchronization

/// What all event loops of one server share: configuration, responder, metrics and a few atomics.
final class ServerState: Sendable {
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let errorRenderer: HTTPErrorRenderer?
    let logger: Logger
    let metrics: ServerMetrics
    let openConnections = Atomic<Int>(0)
    let openProbeConnections = Atomic<Int>(0)
    /// Request bytes buffered by every connection's parser, against `maxInflightBodyBytes`.
    let bufferedRequestBytes = Atomic<Int>(0)
    /// `configuration.maxConnections` clamped to the descriptor limit.
    let maxConnections: Int
    private let lastConnectionID = Atomic<UInt64>(0)

    init(
        configuration: HTTPServerConfiguration, responder: any HTTPResponder, errorRenderer: HTTPErrorRenderer?,
        logger: Logger, metrics: ServerMetrics
    ) {
        self.configuration = configuration
        self.responder = responder
        self.errorRenderer = errorRenderer
        self.logger = logger
        self.metrics = metrics
        maxConnections = configuration.connectionLimit(descriptorLimit: SystemCalls.descriptorLimit())
    }

    /// Connection IDs are unique per server; the loops' reserved epoll tokens are below `firstConnectionID`.
    func nextConnectionID() -> UInt64 {
        lastConnectionID.add(1, ordering: .relaxed).newValue + Self.firstConnectionID
    }

    static let listenerToken: UInt64 = 1
    static let wakeToken: UInt64 = 2
    static let probeListenerToken: UInt64 = 3
    static let firstConnectionID: UInt64 = 16

    /// Seconds to uptime nanoseconds, saturating for huge configured values.
    static func nanoseconds(_ seconds: Double) -> UInt64 {
        seconds >= 1e9 ? UInt64(1e18) : UInt64(max(0, seconds) * 1e9)
    }
}
