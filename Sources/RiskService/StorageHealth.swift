import Foundation
import Glibc
import Metrics
import Synchronization
import SystemIO

/// Whether durable writes (the outbox) currently work. A failed write fails its request with 503
/// `storage_unavailable`, is counted in `riskd_storage_write_failures_total{store}`, and turns
/// `/readyz` to 503 with the reason until a write (or the periodic probe) succeeds again, so a full
/// disk takes the pod out of rotation instead of losing pages silently.
final class StorageHealth: Sendable {
    private let problem = Mutex<String?>(nil)
    private let failures: MetricFamily<Counter>

    init(metrics: MetricsRegistry) {
        failures = metrics.counterFamily(
            "riskd_storage_write_failures_total", help: "Durable writes that failed (the request failed with 503).",
            labelNames: ["store"])
    }

    /// Why writes fail now, or nil when they work.
    var currentProblem: String? { problem.withLock { $0 } }

    func failed(store: String, _ reason: String) {
        failures.labels(store).increment()
        problem.withLock { $0 = "\(store) writes fail: \(reason)" }
    }

    func succeeded() {
        problem.withLock { if $0 != nil { $0 = nil } }
    }

    /// While writes fail, tries a small fsynced write in `directory`; success clears the problem, so
    /// readiness recovers without waiting for the next real write (which readiness would keep away).
    func probe(directory: String) {
        guard currentProblem != nil else { return }
        let path = directory + "/.write-probe"
        guard (try? DurableFile.replace(path, with: [UInt8](repeating: 0, count: 4096))) != nil else { return }
        unlink(path)
        succeeded()
    }
}
