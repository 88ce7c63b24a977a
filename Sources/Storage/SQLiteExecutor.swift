import Dispatch
import Foundation
import Synchronization
import SystemIO

/// SQLite behind one writer thread: callers queue write jobs (bounded), the writer drains whatever is
/// queued into ONE transaction (each job in its own savepoint, so one failing job does not undo the
/// others) and fsyncs once for the whole batch. That group commit turns N concurrent telemetry posts
/// into one WAL sync. Reads use their own connections, which WAL lets run beside the writer. The
/// prediction journal writes through a connection of its own (`backgroundWrite`) on its own low-priority
/// thread, so its inserts are not done at the writer thread's priority.
final class SQLiteExecutor: SQLExecutor, @unchecked Sendable {
    typealias Job = @Sendable (SQLConnection) throws(StorageError) -> Void

    private struct Pending {
        let job: Job
        let done: @Sendable (StorageError?) -> Void
    }

    private struct Queue {
        var pending: [Pending] = []
        var stopping = false
    }

    let dialect = SQLDialect.sqlite
    let path: String
    let capacity: Int
    let maxBatch = 1_024
    private let writer: SQLiteConnection
    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let readers = Mutex<[SQLiteConnection]>([])
    private let background = Mutex<SQLiteConnection?>(nil)

    init(path: String, capacity: Int = 65_536) throws(StorageError) {
        self.path = path
        self.capacity = capacity
        writer = try SQLiteConnection(path: path)
        let thread = Thread { [self] in runWriter() }
        thread.name = "sqlite-writer"
        thread.start()
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (SQLConnection) throws(StorageError) -> T)
        throws(StorageError) -> T
    {
        let outcome = Mutex<Result<T, StorageError>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let value = Mutex<T?>(nil)
        let accepted = enqueue(
            Pending(
                job: { connection throws(StorageError) in
                    let result = try body(connection)
                    value.withLock { $0 = result }
                },
                done: { error in
                    outcome.withLock { slot in
                        slot = error.map { .failure($0) } ?? value.withLock { $0 }.map { .success($0) }
                    }
                    finished.signal()
                }))
        guard accepted else { throw StorageError(.unavailable, "the SQLite write queue is full") }
        guard finished.wait(timeout: .now() + 60) == .success else {
            throw StorageError(.unavailable, "SQLite write timed out after 60 s")
        }
        guard let result = outcome.withLock({ $0 }) else { throw StorageError(.failed, "SQLite write lost") }
        return try result.get()
    }

    /// On the journal's own connection, opened with `synchronous=NORMAL`: nothing waits for these rows to
    /// be durable (the journal may lose its buffer on a crash anyway), so the commit skips the fsync; the
    /// WAL frames are still in the OS after kill -9, and the next FULL commit or checkpoint syncs them.
    func backgroundWrite(_ body: (SQLConnection) throws(StorageError) -> Void) throws(StorageError) {
        try background.withLock { (slot: inout SQLiteConnection?) throws(StorageError) in
            let connection: SQLiteConnection
            if let open = slot {
                connection = open
            } else {
                connection = try SQLiteConnection(path: path, synchronous: .normal)
                slot = connection
            }
            try connection.transaction { () throws(StorageError) in try body(connection) }
        }
    }

    func read<T>(_ body: (SQLConnection) throws(StorageError) -> T) throws(StorageError) -> T {
        let connection: SQLiteConnection
        if let pooled = readers.withLock({ $0.popLast() }) {
            connection = pooled
        } else {
            connection = try SQLiteConnection(path: path)
        }
        defer { readers.withLock { $0.append(connection) } }
        return try body(connection)
    }

    /// SQLite has one writer: a dedicated connection would only contend with it, so none is handed out.
    func dedicatedConnection() throws(StorageError) -> SQLConnection {
        throw StorageError(.failed, "the SQLite backend has no dedicated connections")
    }

    /// Lets queued writes commit, then closes every connection.
    func close() {
        let running = queue.withLock { queue -> Bool in
            defer { queue.stopping = true }
            return !queue.stopping
        }
        guard running else { return }
        available.signal()
        _ = stopped.wait(timeout: .now() + 30)
        readers.withLock { readers in
            readers.forEach { $0.close() }
            readers = []
        }
        background.withLock { connection in
            connection?.close()
            connection = nil
        }
    }

    private func enqueue(_ pending: Pending) -> Bool {
        let accepted = queue.withLock { queue -> Bool in
            guard !queue.stopping, queue.pending.count < capacity else { return false }
            queue.pending.append(pending)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    private func runWriter() {
        // Writes are waited on from workers, never from an event loop, and most of them are the prediction
        // journal: below the loops, so a journal burst yields to them. Not the lowest priority: acknowledged
        // writes (telemetry, outcomes) must still progress when the loops saturate the CPU (at nice 19 a
        // 10,000-outcome POST took over 5 s under load; the bounded queue pushes back with 503 beyond that).
        BackgroundPriority.lowerCurrentThread(by: 10)
        while true {
            available.wait()
            let (batch, stopping) = queue.withLock { queue -> ([Pending], Bool) in
                let batch = Array(queue.pending.prefix(maxBatch))
                queue.pending.removeFirst(batch.count)
                return (batch, queue.stopping)
            }
            if !batch.isEmpty { commit(batch) }
            let more = queue.withLock { !$0.pending.isEmpty }
            if more {
                available.signal()
            } else if stopping {
                writer.close()
                stopped.signal()
                return
            }
        }
    }

    private func commit(_ batch: [Pending]) {
        var errors = [StorageError?](repeating: nil, count: batch.count)
        do throws(StorageError) {
            try writer.transaction { () throws(StorageError) in
                for (index, pending) in batch.enumerated() {
                    try writer.executeScript("SAVEPOINT job")
                    do throws(StorageError) {
                        try pending.job(writer)
                        try writer.executeScript("RELEASE job")
                    } catch {
                        errors[index] = error
                        try writer.executeScript("ROLLBACK TO job; RELEASE job")
                    }
                }
            }
        } catch {
            errors = errors.map { $0 ?? error }
        }
        for (pending, error) in zip(batch, errors) { pending.done(error) }
    }
}
