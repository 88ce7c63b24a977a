/// Lets a repeated warning through at most once per interval and counts what it held back, so a
/// persistent fault (EMFILE on every accept) is visible in the log without flooding it.
struct WarningRateLimiter {
    let intervalNanoseconds: UInt64
    private var lastLoggedAt: UInt64?
    private var suppressed = 0

    init(intervalNanoseconds: UInt64) {
        self.intervalNanoseconds = intervalNanoseconds
    }

    /// nil while the warning is held back; otherwise how many were held back since the last one logged.
    mutating func admit(now: UInt64) -> Int? {
        if let lastLoggedAt, now &- lastLoggedAt < intervalNanoseconds {
            suppressed += 1
            return nil
        }
        lastLoggedAt = now
        defer { suppressed = 0 }
        return suppressed
    }
}
