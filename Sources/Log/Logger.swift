import JSON
import TimeFormat

/// Severity of a log record, ordered from chattiest to most severe.
public enum LogLevel: Int, Comparable, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    public var name: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    public init?(name: String) {
        guard let level = LogLevel.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = level
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One structured log event, as handed to a `LogSink`.
public struct LogRecord: Sendable {
    public let level: LogLevel
    public let label: String
    public let message: String
    public let metadata: JSONObject
    /// Seconds since the Unix epoch.
    public let time: Double
}

/// Where log records go. Sinks are shared by every logger copy, so they must be thread-safe.
public protocol LogSink: Sendable {
    func write(_ record: LogRecord)
}

/// A value-type logger in the style of swift-log: cheap to copy, carries a label, a minimum level and
/// metadata that is merged into every record.
///
/// Messages and metadata are autoclosures, so a disabled level costs one comparison and nothing is
/// formatted. Never put secrets or personal data into metadata: logs leave the process.
public struct Logger: Sendable {
    public let label: String
    public var level: LogLevel
    public var metadata: JSONObject
    private let sink: any LogSink
    private let clock: @Sendable () -> Double

    public init(
        label: String, level: LogLevel = .info, sink: any LogSink = JSONLinesSink.standardError,
        clock: @escaping @Sendable () -> Double = wallClockSeconds
    ) {
        self.label = label
        self.level = level
        self.metadata = [:]
        self.sink = sink
        self.clock = clock
    }

    /// A logger with the same sink and level under another label, e.g. one per module.
    public func child(label: String) -> Logger {
        var copy = Logger(label: label, level: level, sink: sink, clock: clock)
        copy.metadata = metadata
        return copy
    }

    public func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    public func log(
        _ level: LogLevel, _ message: @autoclosure () -> String, _ extra: @autoclosure () -> JSONObject = [:]
    ) {
        guard isEnabled(level) else { return }
        var merged = metadata
        for (key, value) in extra() { merged[key] = value }
        sink.write(LogRecord(level: level, label: label, message: message(), metadata: merged, time: clock()))
    }

    public func debug(_ message: @autoclosure () -> String, _ extra: @autoclosure () -> JSONObject = [:]) {
        log(.debug, message(), extra())
    }

    public func info(_ message: @autoclosure () -> String, _ extra: @autoclosure () -> JSONObject = [:]) {
        log(.info, message(), extra())
    }

    public func notice(_ message: @autoclosure () -> String, _ extra: @autoclosure () -> JSONObject = [:]) {
        log(.notice, message(), extra())
    }

    public func warning(_ message: @autoclosure () -> String, _ extra: @autoclosure () -> JSONObject = [:]) {
        log(.warning, message(), extra())
    }

    public func error(_ message: @autoclosure () -> String, _ extra: @autoclosure () -> JSONObject = [:]) {
        log(.error, message(), extra())
    }

    public func critical(_ message: @autoclosure () -> String, _ extra: @autoclosure () -> JSONObject = [:]) {
        log(.critical, message(), extra())
    }
}
