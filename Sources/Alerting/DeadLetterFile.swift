import Foundation
import Glibc
import JSON

/// `dead-letters.jsonl`: events the receiver rejected for good (4xx other than 429, or retries
/// exhausted), one JSON object per line with the reason, so an operator can inspect and replay them.
///
/// Bounded: once the file exceeds `maxBytes` it is renamed to `dead-letters.jsonl.1` (replacing the
/// previous one) and a new file is started, so at most about twice `maxBytes` is kept. Secrets (the
/// PagerDuty routing key, tokens in bodies and URLs) are redacted, and the file is owner-only (0600).
final class DeadLetterFile {
    let path: String
    let maxBytes: Int
    private var descriptor: Int32
    private var size: Int

    init(directory: String, maxBytes: Int) throws(OutboxError) {
        path = directory + "/dead-letters.jsonl"
        self.maxBytes = maxBytes
        descriptor = try Self.open(path)
        size = Int(lseek(descriptor, 0, SEEK_END))
    }

    deinit {
        close(descriptor)
    }

    private static func open(_ path: String) throws(OutboxError) -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .storage("cannot open \(path): \(String(cString: strerror(errno)))") }
        _ = fchmod(descriptor, 0o600)  // a file left by an older version may be world-readable
        return descriptor
    }

    private func rotate() throws(OutboxError) {
        guard rename(path, path + ".1") == 0 else {
            throw .storage("cannot rotate \(path): \(String(cString: strerror(errno)))")
        }
        let fresh = try Self.open(path)
        close(descriptor)
        descriptor = fresh
        size = 0
    }

    func append(_ event: OutboxEvent, reason: String, at now: Double) throws(OutboxError) {
        var line = JSONValue.object([
            "id": .string(event.id), "key": .string(event.key), "url": .string(SecretRedaction.url(event.url)),
            "reason": .string(reason), "created_at": .finite(event.createdAt), "dead_lettered_at": .finite(now),
            "body": .string(SecretRedaction.body(event.body)),
        ]).serialized()
        line.append(UInt8(ascii: "\n"))
        if size > 0, size + line.count > maxBytes { try rotate() }
        guard OutboxLogFile.writeAll(descriptor, line), fsync(descriptor) == 0 else {
            throw .storage("cannot append to \(path): \(String(cString: strerror(errno)))")
        }
        size += line.count
    }
}
