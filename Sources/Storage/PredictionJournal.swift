import Dispatch
import Foundation
import Synchronization
import SystemIO

/// Records predictions for the outcome join without ever making a prediction wait on the store.
///
/// `record` appends to a bounded in-memory buffer and returns; a background thread writes the buffer
/// every `flushInterval` seconds (or as soon as `batchSize` are waiting), in transactions of at most
/// `transactionRows` with the CPU yielded after each, on a connection of its own. That thread runs at nice 19 and does the inserts itself
/// (they used to run on the store's writer thread at nice 10): on a saturated core journaling gets about
/// 1.5 % of it, falls behind and drops instead of taking time (and tail latency) from predictions, yet
/// still progresses, so a lock it holds is never held for long. (`SCHED_IDLE` would starve it while it
/// holds the buffer's lock or SQLite's write lock whenever anything else wants the CPU, stalling the
/// loops and acknowledged writes behind it.) When the buffer is full (the store or the CPU is slower than the prediction rate) new
/// records are dropped and counted (`riskd_prediction_journal_dropped_total`, which alerts), never
/// queued without bound. A crash loses at most what was buffered: the last `flushInterval` seconds of
/// predictions plus one batch in flight.
public final class PredictionJournal: Sendable {
    public let capacity: Int
    public let batchSize: Int
    public let flushInterval: Double
    private let store: StateStore
    private let buffer = Mutex<[PredictionRecord]>([])
    private let dropped = Atomic<Int>(0)
    private let written = Atomic<Int>(0)
    private let batches = Atomic<Int>(0)
    private let wakeup = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Rows per journal transaction (about 0.2 ms of work), after each of which the thread yields the CPU.
    /// Short, so this lowest-priority thread never holds the database's write lock long (acknowledged
    /// writes wait for it at most one such transaction), and yielding because a nice value or a short
    /// scheduler slice does not end a turn early: a saturated event loop never sleeps, so it never wakes
    /// to preempt, and the kernel takes the CPU back only at its next tick (4 ms at HZ=250). Each such
    /// turn stalled every request in flight on that core, which is what the 1-row p99 measured.
    public static let transactionRows = 64

    /// The journal thread's kernel name (`top -H`).
    public static let threadName = "riskd-journal"

    public init(store: StateStore, capacity: Int = 20_000, batchSize: Int = 5_000, flushInterval: Double = 0.25) {
        self.store = store
        self.capacity = max(1, capacity)
        self.batchSize = max(1, batchSize)
        self.flushInterval = flushInterval
        let thread = Thread { [self] in run() }
        thread.start()
    }

    /// Buffers one prediction; false when the buffer is full and it was dropped.
    @discardableResult
    public func record(_ prediction: PredictionRecord) -> Bool {
        record(contentsOf: [prediction]) == 1
    }

    /// Buffers a batch under one lock; returns how many fit (the rest are dropped and counted).
    @discardableResult
    public func record(contentsOf predictions: [PredictionRecord]) -> Int {
        guard !predictions.isEmpty else { return 0 }
        let (accepted, full) = buffer.withLock { buffer -> (Int, Bool) in
            let before = buffer.count
            let accepted = min(predictions.count, max(0, capacity - before))
            buffer.append(contentsOf: predictions.prefix(accepted))
            return (accepted, before < batchSize && buffer.count >= batchSize)
        }
        if accepted < predictions.count { dropped.wrappingAdd(predictions.count - accepted, ordering: .relaxed) }
        if full { wakeup.signal() }
        return accepted
    }

    /// Predictions dropped because the buffer was full.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }
    /// Predictions committed to the store.
    public var writtenCount: Int { written.load(ordering: .relaxed) }
    public var bufferedCount: Int { buffer.withLock { $0.count } }

    /// Writes what is buffered when called (in batches of at most `batchSize`) and waits for the commits.
    /// Predictions that arrive meanwhile wait for the next flush: draining until the buffer is empty
    /// would, under a steady prediction rate, never stop and commit (and fsync) a few rows at a time.
    /// The buffer is taken whole by swapping it for an empty one, so the lock the event loops append under
    /// is held for a constant time (copying a batch out under it made a loop wait for this low-priority
    /// thread).
    public func flush() {
        flush(yielding: false)
    }

    /// `yielding`: the journal's own thread gives up the CPU after each transaction (see `transactionRows`);
    /// a caller that waits for the flush (an outcome report) does not, or it would wait a scheduler turn per
    /// transaction on a busy core.
    private func flush(yielding: Bool) {
        let taken = buffer.withLock { buffer -> [PredictionRecord] in
            var taken: [PredictionRecord] = []
            swap(&taken, &buffer)
            return taken
        }
        var start = taken.startIndex
        while start < taken.endIndex {
            let end = min(taken.endIndex, start + batchSize)
            write(taken[start..<end], yielding: yielding)
            start = end
        }
    }

    /// Batches written so far (each up to `batchSize` predictions, in transactions of `transactionRows`).
    public var batchCount: Int { batches.load(ordering: .relaxed) }

    /// Flushes and stops the background thread.
    public func stop(timeout: Double) {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wakeup.signal()
        _ = finished.wait(timeout: .now() + max(0, timeout))
    }

    private func run() {
        ThreadName.setCurrent(Self.threadName)
        BackgroundPriority.lowerCurrentThread(by: 19)  // journaling must never take CPU from the event loops
        while !stopping.load(ordering: .acquiring) {
            _ = wakeup.wait(timeout: .now() + flushInterval)
            flush(yielding: true)
        }
        flush(yielding: false)
        finished.signal()
    }

    private func write(_ batch: ArraySlice<PredictionRecord>, yielding: Bool) {
        var start = batch.startIndex
        while start < batch.endIndex {
            let chunk = batch[start..<min(batch.endIndex, start + Self.transactionRows)]
            start = chunk.endIndex
            do {
                try store.executor.backgroundWrite { connection throws(StorageError) in
                    try StateStore.insertPredictions(chunk, connection)
                }
                written.wrappingAdd(chunk.count, ordering: .relaxed)
            } catch {
                dropped.wrappingAdd(chunk.count, ordering: .relaxed)
            }
            if yielding { sched_yield() }
        }
        batches.wrappingAdd(1, ordering: .relaxed)
    }
}
