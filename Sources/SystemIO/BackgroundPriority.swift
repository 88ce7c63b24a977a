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

    /// Moves the calling thread to the `SCHED_IDLE` policy: it gets only CPU time no other thread wants,
    /// and a thread of normal priority that wakes preempts it at once. For best-effort work that is
    /// dropped (and counted) when the CPU is saturated, like the prediction journal. One way: an
    /// unprivileged thread cannot return to normal priority. A no-op where unsupported.
    public static func idleCurrentThread() {
        #if os(Linux)
            var parameters = sched_param()
            parameters.sched_priority = 0
            _ = sched_setscheduler(0, schedIdle, &parameters)  // pid 0: the calling thread
        #endif
    }

    #if os(Linux)
        /// `SCHED_IDLE` from <linux/sched.h>; Glibc's module does not export it.
        private static let schedIdle: Int32 = 5

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
