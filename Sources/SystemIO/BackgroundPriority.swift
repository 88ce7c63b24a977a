import CLinux
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Lowers the calling thread's scheduling priority, for background threads — the prediction journal
/// and log writers, the store's writer, aggregate refreshers, bounded workers — so that on a small
/// machine the event loops get the CPU first and a burst of background work does not stretch request
/// or probe latency.
///
/// Two settings: a higher nice value (a smaller share of a contended core) and a short scheduler slice.
/// A nice value alone bounds the share, not how long each turn lasts: with the kernel's default slice
/// (about 1.4 ms here) every turn a background thread takes on a busy core stalls the loop that long,
/// which shows in the loop's p99. With a 0.1 ms slice (EEVDF, Linux 6.12+; older kernels ignore it) a
/// turn never lasts longer than that.
public enum BackgroundPriority {
    /// The scheduler slice background threads ask for: the kernel's minimum.
    public static let sliceNanoseconds: UInt64 = 100_000

    /// Adds `niceness` (1...19) to the calling thread's nice value and shortens its slice; a no-op where
    /// unsupported.
    public static func lowerCurrentThread(by niceness: Int32) {
        #if os(Linux)
            // On Linux the nice value is per thread: `who` 0 is the calling thread.
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            errno = 0
            let current = getpriority(which, 0)
            guard errno == 0 else { return }
            let nice = min(19, current + niceness)
            if clinux_set_fair_scheduling(nice, sliceNanoseconds) != 0 {
                _ = setpriority(which, 0, nice)  // without sched_setattr: the nice value alone
            }
        #endif
    }
}
