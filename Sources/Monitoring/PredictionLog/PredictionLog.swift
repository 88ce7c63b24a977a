import Foundation
import Metrics
import Synchronization

/// An append-only JSON-lines log of predictions, written by ONE background thread so request handlers
/// never wait for the disk: `append` only takes a short lock and, when the bounded queue is full, drops
/// the entry and counts it (`riskd_prediction_log_dropped_total`). Files rotate by size and hour and are
/// deleted after the retention period. `close()` flushes what is queued; call it on shutdown, because the
/// writer thread (which holds the log) runs until then.
public final class PredictionLog: Sendable {
    public let configuration: PredictionLogConfiguration
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let dropped: Counter
    private let written: Counter
    private let writeErrors: Counter

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
        let thread = Thread { [self] in
            var files = PredictionLogFiles(configuration: configuration, clock: clock, errors: writeErrors)
            runWriter(&files)
        }
        thread.name = "riskd-prediction-log"
        thread.start()
    }

    /// Queues an entry; returns false (and counts a drop) when the queue is full or the log is closed.
    @discardableResult
    public func append(_ entry: PredictionLogEntry) -> Bool {
        let accepted = state.withLock { state in
            guard !state.closing, state.queue.count < configuration.queueCapacity else { return false }
            state.queue.append(entry)
            return true
        }
        if accepted { wake.signal() } else { dropped.increment() }
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
            _ = wake.wait(timeout: .now() + 1)
            let (batch, closing) = state.withLock { state in
                defer { state.queue.removeAll(keepingCapacity: true) }
                return (state.queue, state.closing)
            }
            for entry in batch {
                if files.write(entry.line()) { written.increment() }
            }
            files.flushAndMaintain()
            if closing && state.withLock({ $0.queue.isEmpty }) { break }
        }
        files.close()
        state.withLock { $0.running = false }
        finished.signal()
    }
}
