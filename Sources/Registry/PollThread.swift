import Dispatch
import Foundation
import Synchronization

/// The registry's watcher: a dedicated thread that rescans the repository every `interval` seconds, or
/// at once when woken (SIGHUP). Polling rather than inotify keeps it working on network volumes and on
/// Kubernetes ConfigMap/volume swaps, which replace directories through symlinks.
final class PollThread: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)

    init(interval: Double, action: @escaping @Sendable () -> Void) {
        // The thread holds the poller until it ends, which `stop` makes happen.
        let thread = Thread { [self] in
            while !stopping.load(ordering: .acquiring) {
                let timeout: DispatchTime = interval > 0 ? .now() + interval : .distantFuture
                _ = wake.wait(timeout: timeout)
                if stopping.load(ordering: .acquiring) { break }
                action()
            }
            finished.signal()
        }
        thread.name = "riskd-registry-poll"
        thread.start()
    }

    /// Rescan now instead of at the next tick.
    func trigger() {
        wake.signal()
    }

    /// Ends the thread after the scan in progress, waiting at most `timeout` seconds for it.
    func stop(timeout: Double) {
        stopping.store(true, ordering: .releasing)
        wake.signal()
        _ = finished.wait(timeout: .now() + timeout)
    }
}
