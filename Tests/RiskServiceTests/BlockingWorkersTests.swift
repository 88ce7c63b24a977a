import Dispatch
import HTTPCore
import HTTPServer
import Synchronization
import Testing

@testable import RiskService

@Suite struct BlockingWorkersTests {
    /// A fixed pool: with its one thread busy and its queue full, a job is refused at once (503), and
    /// the queued ones still run when the thread frees up.
    @Test func aFullPoolRefusesInsteadOfGrowing() throws {
        let pool = BlockingWorkers(threads: 1, limit: 2, niceness: 0)
        defer { pool.stop() }
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let order = Mutex<[Int]>([])
        #expect(
            pool.submit {
                started.signal()
                _ = gate.wait(timeout: .now() + 10)
                order.withLock { $0.append(1) }
                done.signal()
            })
        #expect(started.wait(timeout: .now() + 10) == .success)
        #expect(
            pool.submit {
                order.withLock { $0.append(2) }
                done.signal()
            })
        guard case .immediate(let refused) = pool.run({ HTTPResponse(status: .ok) }) else {
            Issue.record("a full pool must answer at once")
            return
        }
        #expect(refused.status == .serviceUnavailable)
        gate.signal()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(order.withLock { $0 } == [1, 2])
        // Room again once the jobs are done (a job counts until it returns, just after it signals).
        let accepted = DispatchSemaphore(value: 0)
        var admitted = false
        for _ in 0..<1_000 where !admitted {
            admitted = pool.submit { accepted.signal() }
            if !admitted { _ = accepted.wait(timeout: .now() + 0.001) }
        }
        #expect(admitted)
        #expect(accepted.wait(timeout: .now() + 10) == .success)
    }
}
