import Foundation
import Metrics

/// The writer thread's view of the log directory: the open file, its size and hour, the schema lines it
/// already holds, rotation, retention by age and by total size. Owned by that one thread, so it needs
/// no locking.
struct PredictionLogFiles {
    let configuration: PredictionLogConfiguration
    let clock: @Sendable () -> Double
    let errors: Counter
    let deletedForAge: Counter
    let deletedForSize: Counter
    private var handle: FileHandle?
    private var currentPath: String?
    private var currentSize = 0
    private var currentHour = -1.0
    private var lastRetention = 0.0
    private var pending: [UInt8] = []
    /// Schema lines written to the current file.
    private var schemas: Set<String> = []
    /// Bytes of the closed files of this log, as of the last retention pass plus what was closed since.
    private var closedBytes = 0

    init(
        configuration: PredictionLogConfiguration, clock: @escaping @Sendable () -> Double, errors: Counter,
        deletedForAge: Counter, deletedForSize: Counter
    ) {
        self.configuration = configuration
        self.clock = clock
        self.errors = errors
        self.deletedForAge = deletedForAge
        self.deletedForSize = deletedForSize
    }

    /// Encodes and buffers one entry (after its schema line when the file lacks it), rotating first if
    /// it would overflow the file or the hour changed.
    mutating func write(_ entry: PredictionLogEntry) -> Bool {
        let now = clock()
        let hour = (now / 3600).rounded(.down)
        let line = entry.line()
        let overflow = currentSize > 0 && currentSize + line.count > configuration.effectiveMaxFileBytes
        if handle == nil || overflow || (configuration.rotateHourly && hour != currentHour) {
            rotate(now: now)
        }
        guard handle != nil else { return false }
        if schemas.insert(entry.schemaKey).inserted { append(entry.schemaLine()) }
        append(line)
        currentHour = hour
        if currentSize + closedBytes > configuration.maxTotalBytes { applyRetention() }
        return true
    }

    private mutating func append(_ bytes: [UInt8]) {
        pending.append(contentsOf: bytes)
        currentSize += bytes.count
        if pending.count >= 64 << 10 { flush() }
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

    /// Deletes files of this log not modified within the retention period, then the oldest files until
    /// all of them fit in `maxTotalBytes` (never the open file).
    mutating func applyRetention() {
        let now = clock()
        lastRetention = now
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: configuration.directory) else { return }
        var kept: [(path: String, size: Int)] = []
        // Names carry the UTC opening time, so name order is age order.
        for name in names.sorted() where name.hasPrefix(configuration.filePrefix + "-") && name.hasSuffix(".jsonl") {
            let path = configuration.directory + "/" + name
            guard path != currentPath, let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? now
            if now - modified > configuration.retentionSeconds {
                remove(path, counting: deletedForAge)
            } else {
                kept.append((path, (attributes[.size] as? Int) ?? 0))
            }
        }
        closedBytes = kept.reduce(0) { $0 + $1.size }
        for file in kept where closedBytes + currentSize > configuration.maxTotalBytes {
            if remove(file.path, counting: deletedForSize) { closedBytes -= file.size }
        }
    }

    @discardableResult
    private func remove(_ path: String, counting counter: Counter) -> Bool {
        do {
            try FileManager.default.removeItem(atPath: path)
            counter.increment()
            return true
        } catch {
            errors.increment()
            return false
        }
    }

    private mutating func flush() {
        guard !pending.isEmpty, let handle else { return }
        do { try handle.write(contentsOf: pending) } catch { errors.increment() }
        pending.removeAll(keepingCapacity: true)
    }

    private mutating func rotate(now: Double) {
        close()
        closedBytes += currentSize
        schemas.removeAll()
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
