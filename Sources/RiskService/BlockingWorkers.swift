import Dispatch
import HTTPCore
import HTTPServer
import Synchronization

/// Runs handlers that block (fsync, file I/O, model loading) off the event loops, on a bounded pool.
/// When `limit` jobs are already queued or running, new ones are refused with 503 at once instead of
/// queueing without bound.
final class BlockingWorkers: Sendable {
    private let queue = DispatchQueue(label: "riskd.blocking", attributes: .concurrent)
    private let pending = Atomic<Int>(0)
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func run(_ work: @escaping @Sendable () -> HTTPResponse) -> ResponseFuture {
        guard pending.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
            pending.wrappingSubtract(1, ordering: .relaxed)
            return .immediate(
                .error(.serviceUnavailable, code: "overloaded", message: "too many blocking requests queued"))
        }
        let promise = ResponsePromise()
        queue.async { [self] in
            promise.fulfill(work())
            pending.wrappingSubtract(1, ordering: .relaxed)
        }
        return .deferred(promise)
    }
}
