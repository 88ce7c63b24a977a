import Foundation
import JSON
import Synchronization
import TimeFormat

/// Writes one JSON object per line to a file descriptor (standard error by default), the format log
/// shippers (Fluent Bit, Vector, Loki's promtail) ingest without parsing rules.
///
/// Each line is written with a single `write(2)` under a lock, so lines from several threads never interleave.
public final class JSONLinesSink: LogSink {
    public static let standardError = JSONLinesSink(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let lock = Mutex(())

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    public func write(_ record: LogRecord) {
        var line = JSONLinesSink.encode(record)
        line.append(0x0A)
        lock.withLock { _ in
            line.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { return }
                    offset += written
                }
            }
        }
    }

    /// `{"time":…,"level":…,"logger":…,"message":…, <metadata>}`; metadata never overrides the four fixed keys.
    public static func encode(_ record: LogRecord) -> [UInt8] {
        var object: JSONObject = [
            "time": .string(UTCDateTime(unixSeconds: record.time).rfc3339),
            "level": .string(record.level.name),
            "logger": .string(record.label),
            "message": .string(record.message),
        ]
        for (key, value) in record.metadata where object[key] == nil { object.append(key, value) }
        return JSONValue.object(object).serialized()
    }
}

/// Keeps records in memory; for tests that assert what was (and was not) logged.
public final class RecordingLogSink: LogSink {
    private let storage = Mutex<[LogRecord]>([])

    public init() {}

    public func write(_ record: LogRecord) {
        storage.withLock { $0.append(record) }
    }

    public var records: [LogRecord] { storage.withLock { $0 } }

    /// Every record as its JSON line, for substring checks such as "no secret in the logs".
    public var lines: [String] {
        records.map { String(decoding: JSONLinesSink.encode($0), as: UTF8.self) }
    }
}
