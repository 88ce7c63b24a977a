import Synchronization

/// The thread-safe way into an event loop: other threads post messages and the loop's eventfd wakes it.
final class LoopInbox: Sendable {
    enum Message: Sendable {
        /// A deferred response (or abandonment) for request `sequence` on connection `connectionID`.
        case complete(connectionID: UInt64, sequence: UInt64, outcome: ResponsePromise.Outcome)
        /// Close the listener, then call `done`.
        case stopAccepting(done: @Sendable () -> Void)
        /// Draining begins: answer every response from now on with `Connection: close`.
        case disableKeepAlive
        /// Drain: finish in-flight requests, close idle connections, exit by `deadline` (uptime ns).
        case shutdown(deadline: UInt64)
    }

    private struct Queue {
        var messages: [Message] = []
        /// Set when the loop has exited; the eventfd is closed and must never be written again (its
        /// number may already belong to another socket).
        var closed = false
    }

    let wakeFD: Int32
    private let queue = Mutex(Queue())

    init(wakeFD: Int32) {
        self.wakeFD = wakeFD
    }

    /// Queues a message and wakes the loop; false if the loop has already exited.
    @discardableResult
    func post(_ message: Message) -> Bool {
        queue.withLock { queue in
            guard !queue.closed else { return false }
            queue.messages.append(message)
            // Signalled under the lock so that `close()` cannot close the eventfd in between.
            if queue.messages.count == 1 { SystemCalls.eventFDSignal(wakeFD) }
            return true
        }
    }

    func takeAll() -> [Message] {
        queue.withLock { queue in
            defer { queue.messages.removeAll() }
            return queue.messages
        }
    }

    /// Called by the exiting loop: refuses further messages and closes the eventfd.
    func close() -> [Message] {
        queue.withLock { queue in
            queue.closed = true
            SystemCalls.close(wakeFD)
            defer { queue.messages.removeAll() }
            return queue.messages
        }
    }
}
