import Dispatch
import Foundation
import JSON
import Metrics
import Synchronization
import TimeFormat

/// Who changed what, when, from where, and whether it worked: one JSON line per administrative action,
/// fsynced before the action's response is sent, so the record survives a crash that follows it.
/// Refused admin attempts (401/403) are recorded too, by token name when the token is known.
/// Only identities (token names) are written, never tokens.
final class AuditLog: Sendable {
    /// Denial records waiting to be written at most; beyond it a flood of refused requests is counted,
    /// not queued, so it can neither grow memory nor hold up the event loops.
    static let maxPendingDenials = 1024

    private let descriptor: Mutex<Int32>
    private let denialQueue = DispatchQueue(label: "riskd.audit.denials")
    private let pendingDenials = Atomic<Int>(0)
    private let droppedDenials: Counter

    init(path: String, metrics: MetricsRegistry) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ServiceConfiguration.Error(description: "audit log \(path) cannot be opened (errno \(errno))")
        }
        _ = fchmod(fd, 0o600)  // owner-only, like every file under the data directory
        descriptor = Mutex(fd)
        droppedDenials = metrics.counter(
            "riskd_audit_denials_dropped_total",
            help: "Refused admin attempts not written to the audit log because too many were already queued.")
    }

    /// Records a refused admin attempt without delaying the refusal: the record is written (and synced)
    /// on a background queue, so it costs the event loop nothing.
    func recordDenial(_ denial: AccessDenial, route: String, remote: String) {
        guard pendingDenials.wrappingAdd(1, ordering: .relaxed).newValue <= Self.maxPendingDenials else {
            pendingDenials.wrappingSubtract(1, ordering: .relaxed)
            droppedDenials.increment()
            return
        }
        denialQueue.async { [self] in
            record(
                actor: denial.identity, remote: remote, action: "denied", target: route, outcome: "denied",
                detail: [
                    "status": .number(Double(denial.error.status.code)), "code": .string(denial.error.code),
                    "message": .string(denial.error.message),
                ])
            pendingDenials.wrappingSubtract(1, ordering: .relaxed)
        }
    }

    /// Appends and syncs one record; blocking, so call it from a worker.
    func record(
        actor: String, remote: String, action: String, target: String, outcome: String, detail: JSONObject = [:]
    ) {
        var object: JSONObject = [
            "time": .string(UTCDateTime(unixSeconds: wallClockSeconds()).rfc3339),
            "actor": .string(actor), "remote": .string(remote), "action": .string(action),
            "target": .string(target), "outcome": .string(outcome),
        ]
        if !detail.isEmpty { object.append("detail", .object(detail)) }
        var line = JSONValue.object(object).serialized()
        line.append(0x0A)
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            line.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { return }
                    offset += written
                }
            }
            fsync(fd)
        }
    }

    /// Writes the queued denial records, then closes the file.
    func close() {
        denialQueue.sync {}
        descriptor.withLock { fd in
            if fd >= 0 { Foundation.close(fd) }
            fd = -1
        }
    }
}
