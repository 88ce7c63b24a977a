import Synchronization

/// The thread-safe way into an event loop: other threads post messages and the loop's eventfd wakes it.
final class LoopInbox: Sendable {
    enum Message: Sendable {
        /// A deferred response (or abandonment) for request `sequence` on connection `connectionID`.
        case complete(connectionID: UInt64, sequence: UInt64, outcome: ResponsePromise.Outcome)
        /// Close the listener, then signal `done`.
        case stopAccepting(done: @Sendable () -> Void)
        /// Drain: finish in-flight requests, close idle connections, exit by `deadline` (uptime ns).
        case shutdown(deadline: UInt64)
    }

    let wakeFD: Int32
    private let messages = Mutex<[Message]>([])

    init(wakeFD: Int32) {
        self.wakeFD = wakeFD
    }

    func post(_ message: Message) {
        let wasEmpty = messages.withLock { messages in
            messages.append(message)
            return messages.count == 1
        }
        if wasEmpty { SystemCalls.eventFDSignal(wakeFD) }
    }

    func takeAll() -> [Message] {
        messages.withLock { messages in
            defer { messages.removeAll() }
            return messages
        }
    }
}
