import Crypto
import Foundation
import Glibc
import SystemIO

/// The outbox's append-only log on disk: framed, checksummed records, fsynced before an append returns.
///
/// Frame: 4-byte little-endian payload length, the payload's 32-byte SHA-256, the payload. A crash can
/// leave a torn last frame (short or with a wrong checksum); `replay` returns every record before it
/// and truncates the file there, so later appends start on a frame boundary. Compaction writes a new
/// file, fsyncs it, renames it over the log and fsyncs the directory, so a crash leaves either the old
/// or the new log, never a mix. The log is `flock`ed exclusively, so a second outbox (in this or another
/// process) on the same directory fails to open instead of interleaving records. Owned by one `Outbox`
/// and used only under its lock.
final class OutboxLogFile {
    static let headerSize = 4 + 32

    let directory: String
    let path: String
    private let file: DurableFile
    var size: Int { file.size }

    init(directory: String, name: String) throws(OutboxError) {
        self.directory = directory
        path = directory + "/" + name
        do {
            // Pages name hosts and carry the routing key: owner-only, also for a directory made by an older version.
            try DurableFile.createDirectory(directory)
            _ = chmod(directory, 0o700)
            file = try DurableFile(appendingTo: path, exclusiveLock: true)
        } catch {
            throw .storage(error.description)
        }
    }

    /// Releases the file and its lock; later appends fail with `OutboxError.stopped`.
    func close() {
        file.close()
    }

    /// Every intact payload in order; a torn or corrupt tail is cut off (its byte count is returned).
    func replay(maxPayloadBytes: Int) throws(OutboxError) -> (payloads: [[UInt8]], discardedBytes: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .storage("cannot read \(path)") }
        let bytes = [UInt8](data)
        var payloads: [[UInt8]] = []
        var offset = 0
        while let payload = Self.frame(in: bytes, at: offset, maxPayloadBytes: maxPayloadBytes) {
            payloads.append(payload)
            offset += Self.headerSize + payload.count
        }
        if offset < bytes.count {
            do {
                try file.truncate(to: offset)
            } catch {
                throw .storage(error.description)
            }
        }
        return (payloads, bytes.count - offset)
    }

    /// Appends framed payloads and fsyncs; on failure the file is cut back to its previous size.
    func append(_ payloads: [[UInt8]]) throws(OutboxError) {
        guard file.isOpen else { throw .stopped }
        do {
            try file.append(payloads.flatMap(Self.frame))
        } catch {
            throw .storage(error.description)
        }
    }

    /// Atomically replaces the log with exactly these payloads (keeping its lock throughout).
    func rewrite(_ payloads: [[UInt8]]) throws(OutboxError) {
        guard file.isOpen else { throw .stopped }
        do {
            try file.replaceContents(with: payloads.flatMap(Self.frame))
        } catch {
            throw .storage(error.description)
        }
    }

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        var frame: [UInt8] = (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
        frame += Digest.sha256(payload)
        frame += payload
        return frame
    }

    /// The payload of the frame at `offset`, or `nil` if it is incomplete, too large or corrupt.
    static func frame(in bytes: [UInt8], at offset: Int, maxPayloadBytes: Int) -> [UInt8]? {
        guard bytes.count - offset >= headerSize else { return nil }
        let length = (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        let start = offset + headerSize
        guard length <= maxPayloadBytes, bytes.count - start >= length else { return nil }
        let payload = Array(bytes[start..<start + length])
        guard Digest.constantTimeEquals(Digest.sha256(payload), Array(bytes[offset + 4..<start])) else { return nil }
        return payload
    }
}
