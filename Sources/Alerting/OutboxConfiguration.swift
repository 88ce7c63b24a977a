/// Where the outbox keeps its log and how hard it tries to deliver.
public struct OutboxConfiguration: Sendable {
    /// Directory holding `outbox.log` and `dead-letters.jsonl`; created if missing.
    public var directory: String
    /// Most undelivered events; `enqueue` throws `OutboxError.full` beyond it.
    public var capacity: Int = 10_000
    /// Delivery threads; different keys are delivered concurrently up to this many.
    public var workerCount: Int = 2
    /// Backoff before retry n (0-based) is uniform in [0, min(backoffMax, backoffBase * 2^n)] seconds.
    public var backoffBase: Double = 1
    public var backoffMax: Double = 300
    /// A 429's `Retry-After` is honoured up to this many seconds.
    public var maxRetryAfter: Double = 600
    /// After this many failed attempts an event is dead-lettered (`retries_exhausted`).
    public var maxAttempts: Int = 50
    /// Total seconds per delivery attempt.
    public var requestTimeout: Double = 10
    /// Largest encoded event (PagerDuty accepts 512 KB payloads, plus room for url and headers).
    public var maxEventBytes: Int = 600 * 1024
    /// The log is rewritten with only pending events after this many acks (and whenever all are acked).
    public var compactAfterAcks: Int = 1_000
    /// `dead-letters.jsonl` is rotated to `dead-letters.jsonl.1` beyond this size.
    public var maxDeadLetterBytes: Int = 16 << 20

    public init(directory: String) {
        self.directory = directory
    }
}
