import Dispatch
import Foundation
import Monitoring
import Synchronization
import SystemIO

/// A background thread for periodic housekeeping (idle-entity eviction, retraining triggers), off the
/// event loops and stoppable within one wake-up.
final class MaintenanceThread: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)

    func start(interval: Double, _ work: @escaping @Sendable () -> Void) {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            BackgroundPriority.lowerCurrentThread(by: 10)
            while !stopping.load(ordering: .acquiring) {
                _ = wake.wait(timeout: .now() + interval)
                if stopping.load(ordering: .acquiring) { break }
                work()
            }
        }
        thread.name = "riskd-maintenance"
        thread.start()
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
    }
}
