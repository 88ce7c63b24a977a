/// Why `Outbox.enqueue` did not accept an event (nothing was persisted then).
public enum OutboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `capacity` undelivered events are waiting.
    case full(capacity: Int)
    /// An undelivered event with this id is already queued.
    case duplicateID(String)
    /// The encoded event exceeds `maxEventBytes`.
    case eventTooLarge(bytes: Int, limit: Int)
    /// The outbox was stopped.
    case stopped
    /// The log could not be read, written or synced.
    case storage(String)

    public var description: String {
        switch self {
        case .full(let capacity): "outbox full (\(capacity) undelivered events)"
        case .duplicateID(let id): "event \(id) is already queued"
        case .eventTooLarge(let bytes, let limit): "event of \(bytes) bytes exceeds \(limit)"
        case .stopped: "outbox stopped"
        case .storage(let message): "outbox storage error: \(message)"
        }
    }
}
