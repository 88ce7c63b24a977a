import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Lowers the calling thread's scheduling priority (its nice value), for background threads — the
/// prediction log writer, aggregate refreshers, bounded workers — so that on a small machine the
/// event loops get the CPU first and a burst of background work does not stretch probe latency.
public enum BackgroundPriority {
    /// Adds `niceness` (1...19) to the calling thread's nice value; a no-op where unsupported.
    public static func lowerCurrentThread(by niceness: Int32) {
        #if os(Linux)
            guard let thread = currentThreadID() else { return }
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            errno = 0
            let current = getpriority(which, thread)
            guard errno == 0 else { return }
            _ = setpriority(which, thread, min(19, current + niceness))
        #endif
    }

    #if os(Linux)
        /// The kernel thread id, from /proc/thread-self (Glibc's module does not export gettid).
        private static func currentThreadID() -> id_t? {
            var buffer = [CChar](repeating: 0, count: 64)
            let length = readlink("/proc/thread-self", &buffer, buffer.count - 1)
            guard length > 0 else { return nil }
            let text = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return text.split(separator: "/").last.flatMap { id_t($0) }
        }
    #endif
}
