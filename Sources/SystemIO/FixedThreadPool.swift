import Dispatch
import Foundation
import Synchronization

/// A fixed number of threads draining a bounded FIFO of jobs: where riskd runs work that may block
/// (fsync, store writes, outbound calls) so it never runs on an event loop. `submit` fails fast when
/// the queue is full instead of queueing without bound; callers turn that into a 503.
public final class FixedThreadPool: Sendable {
    public typealias Job = @Sendable () -> Void

    private struct State {
        var jobs: [Job?] = []
        var head = 0
        var stopping = false
        var count: Int { jobs.count - head }
    }

    public let threadCount: Int
    public let capacity: Int
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()

    /// - Parameter niceness: added to each thread's nice value (0 keeps it), so that on a small machine the
    ///   event loops get the CPU before background work.
    public init(name: String, threads: Int, capacity: Int, niceness: Int32 = 0) {
        threadCount = max(1, threads)
        self.capacity = max(1, capacity)
        for index in 0..<threadCount {
            finished.enter()
            let thread = Thread { [self] in
                if niceness > 0 { BackgroundPriority.lowerCurrentThread(by: niceness) }
                run()
            }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Queues `job`; false (and nothing queued) when the queue is full or the pool is stopping.
    @discardableResult
    public func submit(_ job: @escaping Job) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.stopping, state.count < capacity else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Jobs queued and not yet started.
    public var queuedCount: Int { state.withLock { $0.count } }

    /// Refuses new jobs, lets the queued ones finish, and waits up to `timeout` seconds for the threads.
    @discardableResult
    public func stop(timeout: Double) -> Bool {
        state.withLock { $0.stopping = true }
        for _ in 0..<threadCount { available.signal() }
        return finished.wait(timeout: .now() + max(0, timeout)) == .success
    }

    private func run() {
        defer { finished.leave() }
        while true {
            available.wait()
            let next = state.withLock { state -> Job?? in
                guard state.count > 0 else { return state.stopping ? .none : .some(nil) }
                let job = state.jobs[state.head]
                state.jobs[state.head] = nil
                state.head += 1
                if state.head > 1024, state.head * 2 > state.jobs.count {
                    state.jobs.removeFirst(state.head)
                    state.head = 0
                }
                return .some(job)
            }
            guard let job = next else { return }
            job?()
        }
    }
}
