/// Facts about a request that are not in its bytes: who sent it, on which connection, and when.
public struct RequestContext: Sendable {
    /// "127.0.0.1:5555" or "[::1]:5555".
    public let remoteAddress: String
    public let connectionID: UInt64
    /// Monotonic time (DispatchTime uptime nanoseconds) when the request was complete.
    public let receivedAtNanoseconds: UInt64

    public init(remoteAddress: String, connectionID: UInt64, receivedAtNanoseconds: UInt64) {
        self.remoteAddress = remoteAddress
        self.connectionID = connectionID
        self.receivedAtNanoseconds = receivedAtNanoseconds
    }
}
