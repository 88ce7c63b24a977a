/// A store operation failed: the backend's message, and whether retrying may help (the queue was
/// full or the connection dropped) so callers can answer 503 rather than 500.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Bad URL, failed migration, constraint or SQL error.
        case failed
        /// The write queue is full or the store is stopping: back off and retry.
        case unavailable
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind = .failed, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
