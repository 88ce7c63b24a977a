import Foundation
import Glibc
import JSON

/// `dead-letters.jsonl`: events the receiver rejected for good (4xx other than 429, or retries
/// exhausted), one JSON object per line with the reason, so an operator can inspect and replay them.
final class DeadLetterFile {
    let path: String
    private let descriptor: Int32

    init(directory: String) throws(OutboxError) {
        path = directory + "/dead-letters.jsonl"
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .storage("cannot open \(path): \(String(cString: strerror(errno)))") }
    }

    deinit {
        close(descriptor)
    }

    func append(_ event: OutboxEvent, reason: String, at now: Double) throws(OutboxError) {
        var line = JSONValue.object([
            "id": .string(event.id), "key": .string(event.key), "url": .string(event.url),
            "reason": .string(reason), "created_at": .finite(event.createdAt), "dead_lettered_at": .finite(now),
            "body": .string(String(decoding: event.body, as: UTF8.self)),
        ]).serialized()
        line.append(UInt8(ascii: "\n"))
        guard OutboxLogFile.writeAll(descriptor, line), fsync(descriptor) == 0 else {
            throw .storage("cannot append to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
