import Dispatch
import Foundation
import HTTPCore
import HTTPServer
import Monitoring
import Synchronization

/// Runs handlers that block or take long (fsync, file I/O, model loading, outcome joins, large predict
/// batches) off the event loops, on a fixed number of threads with a bounded queue. When `limit` jobs
/// are already queued or running, new ones are refused with 503 at once instead of queueing without
/// bound, and the thread count never grows under load.
final class BlockingWorkers: Sendable {
    typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var pending = 0
        var stopping = false
    }

    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)
    let limit: Int
    let threadCount: Int

    /// - Parameter niceness: added to each thread's nice value, so the event loops get the CPU first.
    init(threads: Int, limit: Int, niceness: Int32) {
        self.limit = limit
        threadCount = max(1, threads)
        for index in 0..<threadCount {
            let thread = Thread { [self] in
                BackgroundPriority.lowerCurrentThread(by: niceness)
                work()
            }
            thread.name = "riskd-worker-\(index)"
            thread.start()
        }
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
    func submit(_ job: @escaping Job) -> Bool {
        let accepted = state.withLock { state in
            guard !state.stopping, state.pending < limit else { return false }
            state.pending += 1
            state.jobs.append(job)
            return true
        }
        if accepted { ready.signal() }
        return accepted
    }

    /// Lets the threads finish the queued jobs and exit.
    func stop() {
        state.withLock { $0.stopping = true }
        for _ in 0..<threadCount { ready.signal() }
    }

    private func work() {
        while true {
            ready.wait()
            let job: Job? = state.withLock { state in
                guard state.head < state.jobs.count else { return nil }
                let job = state.jobs[state.head]
                state.head += 1
                if state.head == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return job
            }
            guard let job else {
                if state.withLock({ $0.stopping }) { return }
                continue
            }
            job()
            state.withLock { $0.pending -= 1 }
        }
    }
}
