import Foundation
import Metrics
import Synchronization
import SystemIO

/// An append-only JSON-lines log of a sample of predictions, encoded and written by ONE background
/// thread so request handlers never wait for the disk or spend time encoding.
///
/// A request asks `sample(count:)` which of its predictions to log (lock-free, `sampleRate` each), then
/// hands them over with one short lock in `append(contentsOf:)`; when the bounded queue is full the
/// entries are dropped and counted (`riskd_prediction_log_dropped_total`). Files rotate by size and
/// hour, are deleted after the retention period, and the oldest go first when all files together
/// exceed `maxTotalBytes`. `close()` flushes what is queued; call it on shutdown, because the writer
/// thread (which holds the log) runs until then.
public final class PredictionLog: Sendable {
    public let configuration: PredictionLogConfiguration
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let dropped: Counter
    private let written: Counter
    private let writeErrors: Counter
    private let sampledOut: Counter
    private let sequence = Atomic<UInt64>(0)
    private let sampleThreshold: UInt64
    /// Seconds between the writer's wake-ups when nobody signals it.
    static let writerInterval = 0.25

    private struct State: Sendable {
        var queue: [PredictionLogEntry] = []
        var closing = false
        var running = true
    }

    /// Starts the writer thread. `clock` gives unix seconds for rotation and retention decisions.
    public init(
        configuration: PredictionLogConfiguration, metrics: MetricsRegistry,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.configuration = configuration
        state = Mutex(State())
        dropped = metrics.counter(
            "riskd_prediction_log_dropped_total", help: "Prediction log entries dropped because the queue was full.")
        written = metrics.counter("riskd_prediction_log_written_total", help: "Prediction log entries written.")
        writeErrors = metrics.counter(
            "riskd_prediction_log_write_errors_total", help: "Prediction log file operations that failed.")
        sampledOut = metrics.counter(
            "riskd_prediction_log_sampled_out_total", help: "Predictions not logged because of the sample rate.")
        let deletions = metrics.counterFamily(
            "riskd_prediction_log_files_deleted_total", help: "Prediction log files deleted, by reason (age, size).",
            labelNames: ["reason"])
        let rate = min(max(configuration.sampleRate, 0), 1)
        sampleThreshold = rate >= 1 ? .max : UInt64(rate * 18_446_744_073_709_551_616.0)
        let thread = Thread { [self] in
            BackgroundPriority.lowerCurrentThread(by: 10)
            var files = PredictionLogFiles(
                configuration: configuration, clock: clock, errors: writeErrors,
                deletedForAge: deletions.labels("age"), deletedForSize: deletions.labels("size"))
            runWriter(&files)
        }
        thread.name = "riskd-prediction-log"
        thread.start()
    }

    /// Which of `count` predictions to log: each independently with probability `sampleRate`, decided
    /// by hashing a process-wide sequence number (one atomic add per call, no lock). The others are
    /// counted in `riskd_prediction_log_sampled_out_total`.
    public func sample(count: Int) -> [Int] {
        guard count > 0 else { return [] }
        let first = sequence.wrappingAdd(UInt64(count), ordering: .relaxed).newValue &- UInt64(count)
        var chosen: [Int] = []
        for index in 0..<count where Self.mix(first &+ UInt64(index)) < sampleThreshold || sampleThreshold == .max {
            chosen.append(index)
        }
        if chosen.count < count { sampledOut.increment(by: UInt64(count - chosen.count)) }
        return chosen
    }

    /// SplitMix64: consecutive sequence numbers become independent uniform draws.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Queues an entry; returns false (and counts a drop) when the queue is full or the log is closed.
    @discardableResult
    public func append(_ entry: PredictionLogEntry) -> Bool {
        append(contentsOf: [entry]) == 1
    }

    /// Queues entries with one lock; returns how many were accepted (the rest are counted as drops).
    @discardableResult
    public func append(contentsOf entries: [PredictionLogEntry]) -> Int {
        // The writer wakes on its own every `writerInterval`; a signal (a syscall) is sent only when
        // this append fills the queue past a batch, so a busy loop does not wake it per request.
        var fullBatch = false
        let accepted = state.withLock { state in
            guard !state.closing else { return 0 }
            let before = state.queue.count
            let room = max(0, configuration.queueCapacity - before)
            state.queue.append(contentsOf: entries.prefix(room))
            let batch = max(1, configuration.queueCapacity / 4)
            fullBatch = before < batch && state.queue.count >= batch
            return min(room, entries.count)
        }
        if fullBatch { wake.signal() }
        if accepted < entries.count { dropped.increment(by: UInt64(entries.count - accepted)) }
        return accepted
    }

    /// Entries dropped so far.
    public var droppedCount: UInt64 { dropped.current }
    /// Entries written so far.
    public var writtenCount: UInt64 { written.current }

    /// Stops accepting entries, writes everything queued, closes the file and waits (at most `timeout`
    /// seconds) for the writer to finish. Returns false if the writer did not finish in time.
    @discardableResult
    public func close(timeout: Double = 10) -> Bool {
        let first = state.withLock { state in
            defer { state.closing = true }
            return !state.closing
        }
        guard first else { return state.withLock { !$0.running } }
        wake.signal()
        return finished.wait(timeout: .now() + timeout) == .success
    }

    private func runWriter(_ files: inout PredictionLogFiles) {
        files.applyRetention()
        while true {
            _ = wake.wait(timeout: .now() + Self.writerInterval)
            let (batch, closing) = state.withLock { state in
                let batch = state.queue
                state.queue = []
                return (batch, state.closing)
            }
            for entry in batch where files.write(entry) { written.increment() }
            files.flushAndMaintain()
            if closing && state.withLock({ $0.queue.isEmpty }) { break }
        }
        files.close()
        state.withLock { $0.running = false }
        finished.signal()
    }
}
