#if canImport(Glibc)
    import Glibc
#endif

/// Names the calling thread for the kernel, so `top -H`, `ps -L` and /proc/<pid>/task/<tid>/comm tell
/// riskd's threads apart: on Linux, Foundation's `Thread.name` does not reach the kernel.
public enum ThreadName {
    /// Sets the calling thread's kernel name (at most 15 bytes; longer names are cut). Written through
    /// /proc/thread-self/comm, as Glibc's module does not export `pthread_setname_np`; a no-op elsewhere.
    public static func setCurrent(_ name: String) {
        #if os(Linux)
            let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { return }
            defer { close(fd) }
            let bytes = Array(name.utf8.prefix(15))
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #endif
    }
}
