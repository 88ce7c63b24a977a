import Crypto
import Foundation
import Glibc

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
    private var descriptor: Int32
    private(set) var size: Int

    init(directory: String, name: String) throws(OutboxError) {
        self.directory = directory
        path = directory + "/" + name
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .storage("cannot create \(directory): \(error)")
        }
        // Pages name hosts and carry the routing key: owner-only, also for a directory made by an older version.
        _ = chmod(directory, 0o700)
        descriptor = try Self.openLocked(path)
        size = Int(lseek(descriptor, 0, SEEK_END))
    }

    deinit {
        close()
    }

    /// Releases the file and its lock; later appends fail with `OutboxError.stopped`.
    func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
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
            guard ftruncate(descriptor, off_t(offset)) == 0, fsync(descriptor) == 0 else {
                throw .storage("cannot truncate \(path): \(String(cString: strerror(errno)))")
            }
        }
        size = offset
        return (payloads, bytes.count - offset)
    }

    /// Appends framed payloads and fsyncs; on failure the file is cut back to its previous size.
    func append(_ payloads: [[UInt8]]) throws(OutboxError) {
        guard descriptor >= 0 else { throw .stopped }
        var frames: [UInt8] = []
        for payload in payloads { frames += Self.frame(payload) }
        let written = Self.writeAll(descriptor, frames)
        guard written, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = ftruncate(descriptor, off_t(size))
            throw .storage("cannot append to \(path): \(reason)")
        }
        size += frames.count
    }

    /// Atomically replaces the log with exactly these payloads.
    func rewrite(_ payloads: [[UInt8]]) throws(OutboxError) {
        guard descriptor >= 0 else { throw .stopped }
        let temporary = path + ".compact"
        unlink(temporary)
        // Locked before the rename, so the path is never unlocked while we own it.
        let fresh = try Self.openLocked(temporary)
        var frames: [UInt8] = []
        for payload in payloads { frames += Self.frame(payload) }
        guard Self.writeAll(fresh, frames), fsync(fresh) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fresh)
            unlink(temporary)
            throw .storage("cannot compact \(path): \(reason)")
        }
        Glibc.close(descriptor)
        descriptor = fresh
        size = frames.count
        Self.syncDirectory(directory)
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

    private static func openLocked(_ path: String) throws(OutboxError) -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .storage("cannot open \(path): \(String(cString: strerror(errno)))") }
        _ = fchmod(descriptor, 0o600)
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(descriptor)
            throw .storage("\(path) is in use by another outbox")
        }
        return descriptor
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let result = write(descriptor, base + offset, buffer.count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += result
            }
            return true
        }
    }

    /// Makes a rename durable; failure only risks replaying already-acked events (at least once).
    static func syncDirectory(_ directory: String) {
        let descriptor = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        Glibc.close(descriptor)
    }
}
