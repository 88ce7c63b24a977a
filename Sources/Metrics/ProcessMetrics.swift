import Foundation

/// The standard `process_*` metrics of the Prometheus client libraries, read from `/proc/self` at scrape time.
public enum ProcessMetrics {
    /// Registers resident and virtual memory, CPU seconds, open and maximum file descriptors, and start time.
    public static func register(on registry: MetricsRegistry) {
        registry.collect("process_resident_memory_bytes", help: "Resident memory size in bytes.", type: "gauge") {
            [([], Double(ProcessMetrics.stat()?.residentPages ?? 0) * Double(sysconf(Int32(_SC_PAGESIZE))))]
        }
        registry.collect("process_virtual_memory_bytes", help: "Virtual memory size in bytes.", type: "gauge") {
            [([], Double(ProcessMetrics.stat()?.virtualBytes ?? 0))]
        }
        registry.collect(
            "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", type: "counter"
        ) {
            let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
            guard let stat = ProcessMetrics.stat() else { return [([], 0)] }
            return [([], Double(stat.userTicks + stat.systemTicks) / ticks)]
        }
        registry.collect("process_open_fds", help: "Number of open file descriptors.", type: "gauge") {
            [([], Double(ProcessMetrics.openFileDescriptors()))]
        }
        registry.collect("process_max_fds", help: "Maximum number of open file descriptors.", type: "gauge") {
            var limit = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            return [([], Double(limit.rlim_cur))]
        }
        let startTime = ProcessMetrics.startTimeSeconds()
        registry.collect(
            "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.", type: "gauge"
        ) { [([], startTime)] }
    }

    /// The resident set size in bytes right now (also used by benchmarks and memory tests).
    public static func residentMemoryBytes() -> Int {
        (stat()?.residentPages ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    struct Stat {
        var userTicks: Int
        var systemTicks: Int
        var startTicks: Int
        var virtualBytes: Int
        var residentPages: Int
    }

    /// Fields of `/proc/self/stat` after the parenthesised command name (which may itself hold spaces).
    static func stat() -> Stat? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3 of proc(5)); utime is field 14, so index 11.
        guard fields.count > 21, let user = Int(fields[11]), let system = Int(fields[12]),
            let start = Int(fields[19]), let virtual = Int(fields[20]), let resident = Int(fields[21])
        else { return nil }
        return Stat(
            userTicks: user, systemTicks: system, startTicks: start, virtualBytes: virtual, residentPages: resident)
    }

    static func openFileDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }

    /// Boot time from `/proc/stat` plus the process start offset in clock ticks.
    static func startTimeSeconds() -> Double {
        guard let stat = stat(), let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let boot = Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        else { return Date().timeIntervalSince1970 }
        return boot + Double(stat.startTicks) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
