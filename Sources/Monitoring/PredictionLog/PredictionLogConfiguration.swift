/// Where and how the prediction log is written; every limit is explicit so the log can never fill a disk
/// or the heap.
public struct PredictionLogConfiguration: Sendable {
    /// Directory for the log files; created if missing.
    public var directory: String
    /// File name prefix: files are `<prefix>-YYYYMMDDTHHMMSSZ[-n].jsonl` (UTC, the time the file was opened).
    public var filePrefix = "predictions"
    /// Start a new file once the current one would exceed this size (at most a quarter of `maxTotalBytes`,
    /// so deleting the oldest file always frees room).
    public var maxFileBytes = 64 << 20
    /// Also start a new file when the UTC hour changes.
    public var rotateHourly = true
    /// Delete log files last modified longer ago than this (checked at start, on rotation and every minute).
    public var retentionSeconds: Double = 7 * 86_400
    /// Total bytes the log's files may take; past it the oldest files are deleted first.
    public var maxTotalBytes = 256 << 20
    /// Share of predictions logged, 0...1 (each one drawn independently).
    public var sampleRate = 0.01
    /// Entries waiting for the writer; beyond this, `append` drops and counts.
    public var queueCapacity = 10_000

    public init(directory: String) {
        self.directory = directory
    }

    /// The size at which a file rotates, given the total budget.
    var effectiveMaxFileBytes: Int { max(1, min(maxFileBytes, maxTotalBytes / 4)) }
}
