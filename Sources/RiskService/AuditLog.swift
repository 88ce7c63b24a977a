import Foundation
import JSON
import Synchronization
import TimeFormat

/// Who changed what, when, from where, and whether it worked: one JSON line per administrative action,
/// fsynced before the action's response is sent, so the record survives a crash that follows it.
/// Only identities (token names) are written, never tokens.
final class AuditLog: Sendable {
    private let descriptor: Mutex<Int32>

    init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ServiceConfiguration.Error(description: "audit log \(path) cannot be opened (errno \(errno))")
        }
        _ = fchmod(fd, 0o600)  // owner-only, like every file under the data directory
        descriptor = Mutex(fd)
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

    func close() {
        descriptor.withLock { fd in
            if fd >= 0 { Foundation.close(fd) }
            fd = -1
        }
    }
}
