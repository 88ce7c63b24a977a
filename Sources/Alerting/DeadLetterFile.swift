import Foundation
import Glibc
import JSON
import Storage
import SystemIO

/// `dead-letters.jsonl`: events the receiver rejected for good (4xx other than 429, or retries
/// exhausted), one JSON object per line with the reason, so an operator can inspect and replay them.
///
/// Bounded: once the file exceeds `maxBytes` it is renamed to `dead-letters.jsonl.1` (replacing the
/// previous one) and a new file is started, so at most about twice `maxBytes` is kept. Secrets (the
/// PagerDuty routing key, tokens in bodies and URLs) are redacted, and the file is owner-only (0600).
final class DeadLetterFile {
    let path: String
    let maxBytes: Int
    private var file: DurableFile

    init(directory: String, maxBytes: Int) throws(OutboxError) {
        path = directory + "/dead-letters.jsonl"
        self.maxBytes = maxBytes
        file = try Self.open(path)
    }

    private static func open(_ path: String) throws(OutboxError) -> DurableFile {
        do {
            return try DurableFile(appendingTo: path)
        } catch {
            throw .storage(error.description)
        }
    }

    private func rotate() throws(OutboxError) {
        guard rename(path, path + ".1") == 0 else {
            throw .storage("cannot rotate \(path): \(String(cString: strerror(errno)))")
        }
        file.close()
        file = try Self.open(path)
    }

    func append(_ event: OutboxEvent, reason: String, at now: Double) throws(OutboxError) {
        var line = JSONValue.object([
            "id": .string(event.id), "key": .string(event.key), "url": .string(SecretRedaction.url(event.url)),
            "reason": .string(reason), "created_at": .finite(event.createdAt), "dead_lettered_at": .finite(now),
            "body": .string(SecretRedaction.body(event.body)),
        ]).serialized()
        line.append(UInt8(ascii: "\n"))
        if file.size > 0, file.size + line.count > maxBytes { try rotate() }
        do {
            try file.append(line)
        } catch {
            throw .storage(error.description)
        }
    }
}
