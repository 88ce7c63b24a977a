import Dispatch
import Foundation
import Glibc
import Synchronization
import SystemIO
import Testing

@Suite struct FixedThreadPoolTests {
    @Test func runsEveryJobOnAFixedNumberOfThreads() {
        let pool = FixedThreadPool(name: "test", threads: 3, capacity: 1_000)
        let threads = Mutex<Set<UInt>>([])
        let done = DispatchGroup()
        for _ in 0..<300 {
            done.enter()
            #expect(
                pool.submit {
                    threads.withLock { _ = $0.insert(UInt(pthread_self())) }
                    done.leave()
                })
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(threads.withLock { $0.count } <= 3)
        #expect(pool.stop(timeout: 5))
    }

    @Test func submitFailsFastWhenTheQueueIsFull() {
        let pool = FixedThreadPool(name: "full", threads: 1, capacity: 2)
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        #expect(
            pool.submit {
                started.signal()
                gate.wait()
            })
        started.wait()
        #expect(pool.submit {})
        #expect(pool.submit {})
        #expect(!pool.submit {}, "a third queued job exceeds the capacity of 2")
        gate.signal()
        #expect(pool.stop(timeout: 5))
        #expect(!pool.submit {}, "a stopped pool accepts nothing")
    }
}
