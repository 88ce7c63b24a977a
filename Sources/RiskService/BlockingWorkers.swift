import HTTPCore
import HTTPServer
import SystemIO

/// Runs handlers that block or take long (fsync, file I/O, model loading, outcome joins, large predict
/// batches) off the event loops, on a `FixedThreadPool`. When `limit` jobs are already queued or running,
/// new ones are refused with 503 at once instead of queueing without bound, and the thread count never
/// grows under load.
final class BlockingWorkers: Sendable {
    private let pool: FixedThreadPool
    let limit: Int

    /// - Parameter niceness: added to each thread's nice value, so the event loops get the CPU first.
    init(threads: Int, limit: Int, niceness: Int32) {
        let threads = max(1, threads)
        self.limit = max(limit, threads + 1)
        pool = FixedThreadPool(
            name: "riskd-worker", threads: threads, capacity: self.limit - threads, niceness: niceness)
    }

    func run(_ work: @escaping @Sendable () -> HTTPResponse) -> ResponseFuture {
        let promise = ResponsePromise()
        guard submit({ promise.fulfill(work()) }) else {
            return .immediate(
                .error(.serviceUnavailable, code: "overloaded", message: "too many blocking requests queued"))
        }
        return .deferred(promise)
    }

    /// Queues a job; false when the pool is full or stopped.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool { pool.submit(job) }

    /// Lets the threads finish the queued jobs and exit (waiting at most a few seconds).
    func stop() { pool.stop(timeout: 5) }
}
