import Glibc

/// The one place riskd writes files that must survive a crash: appends that are fsynced before they
/// return, and whole-file replacements that are atomic (temporary file, fsync, rename, fsync of the
/// directory), so a crash leaves the old or the new content, never a torn mix.
///
/// Files are created 0600 and directories 0700 by default: they hold pages, audit records and
/// predictions. Not thread-safe; an owner serialises access (all current owners hold it under a lock).
public final class DurableFile {
    public let path: String
    public private(set) var size: Int
    private var descriptor: Int32
    private let exclusiveLock: Bool

    /// Opens `path` for appending, creating it with `mode`. With `exclusiveLock`, a second opener (in
    /// this or another process) fails instead of interleaving records.
    public init(appendingTo path: String, mode: mode_t = 0o600, exclusiveLock: Bool = false) throws(DurableFileError) {
        self.path = path
        self.exclusiveLock = exclusiveLock
        descriptor = try Self.open(path, flags: O_WRONLY | O_CREAT | O_APPEND, mode: mode, lock: exclusiveLock)
        size = Int(lseek(descriptor, 0, SEEK_END))
    }

    deinit {
        close()
    }

    public var isOpen: Bool { descriptor >= 0 }

    /// Releases the descriptor (and its lock); later appends fail.
    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    /// Writes every byte and fsyncs before returning; on failure the file is cut back to its old size.
    public func append(_ bytes: [UInt8]) throws(DurableFileError) {
        guard descriptor >= 0 else { throw DurableFileError(path: path, operation: "append", code: EBADF) }
        guard Self.writeAll(descriptor, bytes), fsync(descriptor) == 0 else {
            let code = errno
            _ = ftruncate(descriptor, off_t(size))
            throw DurableFileError(path: path, operation: "append", code: code)
        }
        size += bytes.count
    }

    /// Cuts the file to `length` bytes and fsyncs (drops a torn tail found on replay).
    public func truncate(to length: Int) throws(DurableFileError) {
        guard ftruncate(descriptor, off_t(length)) == 0, fsync(descriptor) == 0 else {
            throw DurableFileError(path: path, operation: "truncate", code: errno)
        }
        size = length
    }

    /// Atomically replaces this file's content and keeps appending to the new file (and its lock).
    public func replaceContents(with bytes: [UInt8], mode: mode_t = 0o600) throws(DurableFileError) {
        // Locked before the rename, so the path is never unlocked while this writer owns it.
        let fresh = try Self.writeTemporary(for: path, bytes: bytes, mode: mode, lock: exclusiveLock)
        guard rename(path + ".tmp", path) == 0 else {
            let code = errno
            Glibc.close(fresh)
            unlink(path + ".tmp")
            throw DurableFileError(path: path, operation: "rename", code: code)
        }
        Glibc.close(descriptor)
        descriptor = fresh
        size = bytes.count
        Self.syncDirectory(containing: path)
    }

    /// Atomically replaces `path` with `bytes` (temporary file, fsync, rename, directory fsync).
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws(DurableFileError) {
        let descriptor = try writeTemporary(for: path, bytes: bytes, mode: mode, lock: false)
        Glibc.close(descriptor)
        guard rename(path + ".tmp", path) == 0 else {
            let code = errno
            unlink(path + ".tmp")
            throw DurableFileError(path: path, operation: "rename", code: code)
        }
        syncDirectory(containing: path)
    }

    /// Creates `path` and missing parents with `mode` (0700: state directories are private).
    public static func createDirectory(_ path: String, mode: mode_t = 0o700) throws(DurableFileError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode) != 0, errno != EEXIST {
                throw DurableFileError(path: prefix, operation: "mkdir", code: errno)
            }
        }
    }

    /// Renames `source` to `destination` only when `destination` does not exist (`renameat2` with
    /// `RENAME_NOREPLACE`; a plain rename would replace an empty directory), then makes the rename durable.
    /// Two writers racing for one name never replace each other: the loser gets `EEXIST`.
    public static func renameWithoutReplacing(_ source: String, to destination: String) throws(DurableFileError) {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        // Looked up at run time: Glibc's module hides renameat2 behind _GNU_SOURCE.
        guard let symbol = dlsym(nil, "renameat2") else {
            throw DurableFileError(path: destination, operation: "rename (no renameat2)", code: ENOSYS)
        }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let noReplace: UInt32 = 1  // RENAME_NOREPLACE
        guard renameat2(AT_FDCWD, source, AT_FDCWD, destination, noReplace) == 0 else {
            throw DurableFileError(path: destination, operation: "rename", code: errno)
        }
        syncDirectory(containing: destination)
    }

    /// Makes a rename or creation in the directory of `path` durable. Best effort: a failure only
    /// risks the old name surviving a crash.
    public static func syncDirectory(containing path: String) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let descriptor = Glibc.open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        Glibc.close(descriptor)
    }

    private static func writeTemporary(for path: String, bytes: [UInt8], mode: mode_t, lock: Bool)
        throws(DurableFileError) -> Int32
    {
        let temporary = path + ".tmp"
        unlink(temporary)
        let descriptor = try open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, mode: mode, lock: lock)
        guard writeAll(descriptor, bytes), fsync(descriptor) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            unlink(temporary)
            throw DurableFileError(path: temporary, operation: "write", code: code)
        }
        return descriptor
    }

    private static func open(_ path: String, flags: Int32, mode: mode_t, lock: Bool) throws(DurableFileError) -> Int32 {
        let descriptor = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw DurableFileError(path: path, operation: "open", code: errno) }
        _ = fchmod(descriptor, mode)  // a file left by an older version may be more open than `mode`
        if lock, flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            Glibc.close(descriptor)
            throw DurableFileError(path: path, operation: "lock (in use by another writer)", code: EWOULDBLOCK)
        }
        return descriptor
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
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
}

/// A failed durable write: which file, which step, and the errno text.
public struct DurableFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32

    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}
