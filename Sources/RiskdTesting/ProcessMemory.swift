import Foundation

/// This process's memory as the kernel counts it, for tests that bound what a server (running in-process)
/// may hold: compare readings before and after a load rather than absolute values.
public enum ProcessMemory {
    /// Resident set size in bytes, from /proc/self/statm (pages resident × page size); 0 if unreadable.
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
