import Foundation
import Metrics

/// The writer thread's view of the log directory: the open file, its size and hour, rotation and
/// retention. Owned by that one thread, so it needs no locking.
struct PredictionLogFiles {
    let configuration: PredictionLogConfiguration
    let clock: @Sendable () -> Double
    let errors: Counter
    private var handle: FileHandle?
    private var currentPath: String?
    private var currentSize = 0
    private var currentHour = -1.0
    private var lastRetention = 0.0
    private var pending: [UInt8] = []

    init(configuration: PredictionLogConfiguration, clock: @escaping @Sendable () -> Double, errors: Counter) {
        self.configuration = configuration
        self.clock = clock
        self.errors = errors
    }

    /// Buffers one line, rotating first if it would overflow the file or the hour changed.
    mutating func write(_ line: [UInt8]) -> Bool {
        let now = clock()
        let hour = (now / 3600).rounded(.down)
        let overflow = currentSize > 0 && currentSize + line.count > configuration.maxFileBytes
        if handle == nil || overflow || (configuration.rotateHourly && hour != currentHour) {
            rotate(now: now)
        }
        guard handle != nil else { return false }
        pending.append(contentsOf: line)
        currentSize += line.count
        currentHour = hour
        if pending.count >= 64 << 10 { flush() }
        return true
    }

    /// Writes buffered lines and runs retention at most once a minute.
    mutating func flushAndMaintain() {
        flush()
        let now = clock()
        if now - lastRetention >= 60 { applyRetention() }
    }

    mutating func close() {
        flush()
        try? handle?.close()
        handle = nil
    }

    /// Deletes files of this log not modified within the retention period (never the open file).
    mutating func applyRetention() {
        let now = clock()
        lastRetention = now
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: configuration.directory) else { return }
        for name in names where name.hasPrefix(configuration.filePrefix + "-") && name.hasSuffix(".jsonl") {
            let path = configuration.directory + "/" + name
            guard path != currentPath,
                let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                now - modified.timeIntervalSince1970 > configuration.retentionSeconds
            else { continue }
            do { try manager.removeItem(atPath: path) } catch { errors.increment() }
        }
    }

    private mutating func flush() {
        guard !pending.isEmpty, let handle else { return }
        do { try handle.write(contentsOf: pending) } catch { errors.increment() }
        pending.removeAll(keepingCapacity: true)
    }

    private mutating func rotate(now: Double) {
        close()
        let manager = FileManager.default
        do {
            try manager.createDirectory(
                atPath: configuration.directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            errors.increment()
            return
        }
        let stamp = Self.timestamp(now)
        var path = "\(configuration.directory)/\(configuration.filePrefix)-\(stamp).jsonl"
        var suffix = 1
        while manager.fileExists(atPath: path) {
            path = "\(configuration.directory)/\(configuration.filePrefix)-\(stamp)-\(suffix).jsonl"
            suffix += 1
        }
        // Owner-only: entries carry entity ids and feature values.
        guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let opened = FileHandle(forWritingAtPath: path)
        else {
            errors.increment()
            return
        }
        handle = opened
        currentPath = path
        currentSize = 0
        applyRetention()
    }

    /// `YYYYMMDDTHHMMSSZ` in UTC.
    static func timestamp(_ unixSeconds: Double) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: unixSeconds))
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        return
            "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }
}
