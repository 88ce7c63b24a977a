import Dispatch
import Foundation
import JSON
import Metrics
import Synchronization
import SystemIO
import TimeFormat

/// Who changed what, when, from where, and whether it worked: one JSON line per administrative action,
/// fsynced before the action's response is sent, so the record survives a crash that follows it.
/// Refused admin attempts (401/403) are recorded too, by token name when the token is known.
/// Only identities (token names) are written, never tokens.
final class AuditLog: Sendable {
    /// Denial records waiting to be written at most; beyond it a flood of refused requests is counted,
    /// not queued, so it can neither grow memory nor hold up the event loops.
    static let maxPendingDenials = 1024

    private let file: Mutex<DurableFile?>
    private let denialQueue = DispatchQueue(label: "riskd.audit.denials")
    private let pendingDenials = Atomic<Int>(0)
    private let droppedDenials: Counter

    init(path: String, metrics: MetricsRegistry) throws {
        do {
            file = Mutex(try DurableFile(appendingTo: path))  // owner-only, like every file under the data directory
        } catch {
            throw ServiceConfiguration.Error(description: "audit log cannot be opened: \(error)")
        }
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
        file.withLock { file in _ = try? file?.append(line) }
    }

    /// Writes the queued denial records, then closes the file.
    func close() {
        denialQueue.sync {}
        file.withLock { file in
            file?.close()
            file = nil
        }
    }
}
