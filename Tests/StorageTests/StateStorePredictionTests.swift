import Foundation
import Storage
import Testing

/// A prediction of version 1 at tier L1, for the store and journal tests.
private func prediction(_ id: String, entity: String, time: Double, risk: Double = 0.5, model: String = "m")
    -> PredictionRecord
{
    PredictionRecord(id: id, model: model, version: "1", entity: entity, risk: risk, tier: "L1", time: time)
}

@Suite struct StateStorePredictionTests {
    @Test(arguments: Backend.allCases) func anOutcomeLabelsItsPredictionAfterAMillionOthers(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        let journal = PredictionJournal(store: store, capacity: 200_000, batchSize: 10_000, flushInterval: 0.05)
        let start = 1_700_000_000.0
        #expect(journal.record(prediction("target", entity: "db-7", time: start, risk: 0.9)))
        var recorded = 0
        for index in 0..<1_000_000 {
            let time = start + 1 + Double(index) / 10_000
            while !journal.record(prediction("p\(index)", entity: "host-\(index % 50_000)", time: time)) {
                Thread.sleep(forTimeInterval: 0.001)  // backpressure: the journal drops, the test retries
            }
            recorded += 1
        }
        journal.stop(timeout: 120)
        #expect(recorded == 1_000_000)
        #expect(try store.predictionCount() == 1_000_001)
        // The incident arrives 6 days later: within the 7-day horizon.
        let labeled = try store.labelPredictions(
            model: "m", entity: "db-7", from: start + 6 * 86_400 - 7 * 86_400, to: start + 6 * 86_400, label: 1)
        #expect(labeled.map(\.id) == ["target"])
        #expect(labeled.first?.risk == 0.9)
        let performance = try store.labeledPredictions(model: "m", version: "1", since: 0, limit: 10)
        #expect(performance.map(\.id) == ["target"] && performance.first?.label == 1)
    }

    /// Batches larger than one INSERT statement hold every row, and an id repeated within a batch or
    /// across batches is kept as first written.
    @Test(arguments: Backend.allCases) func batchesSpanStatementsAndKeepTheFirstOfARepeatedID(_ backend: Backend) throws
    {
        let store = try backend.freshStore()
        defer { store.close() }
        var batch = (0..<150).map { prediction("r\($0)", entity: "e\($0 % 3)", time: Double($0), risk: 0.1) }
        batch.append(prediction("r7", entity: "e1", time: 7, risk: 0.9))
        try store.insertPredictions(batch)
        try store.insertPredictions([prediction("r149", entity: "e2", time: 149, risk: 0.9)])
        #expect(try store.predictionCount() == 150)
        #expect(try store.labelPrediction(id: "r7", label: 1)?.risk == 0.1)
        #expect(try store.labelPrediction(id: "r149", label: 1)?.risk == 0.1)
    }

    @Test(arguments: Backend.allCases) func labelsApplyOnceAndOnlyWithinTheWindow(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        try store.insertPredictions([
            prediction("a", entity: "e", time: 100), prediction("b", entity: "e", time: 200),
            prediction("c", entity: "f", time: 150), prediction("d", entity: "e", time: 150, model: "other"),
        ])
        #expect(try store.labelPredictions(model: "m", entity: "e", from: 150, to: 250, label: 1).map(\.id) == ["b"])
        #expect(
            try store.labelPredictions(model: nil, entity: "e", from: 0, to: 250, label: 0).map(\.id).sorted() == [
                "a", "d",
            ])
        #expect(try store.labelPrediction(id: "c", label: 1)?.entity == "f")
        #expect(try store.labelPrediction(id: "c", label: 0) == nil, "the first label wins")
        #expect(try store.labelPrediction(id: "zzz", label: 1) == nil)
    }

    @Test(arguments: Backend.allCases) func retentionAndTheRowCapBoundStorage(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        try store.insertPredictions((0..<100).map { prediction("p\($0)", entity: "e", time: Double($0)) })
        #expect(try store.prunePredictions(before: 10, maxRows: 1_000) == 10)
        #expect(try store.prunePredictions(before: 0, maxRows: 50) == 40)
        #expect(try store.predictionCount() == 50)
        #expect(try store.labelPredictions(model: "m", entity: "e", from: 0, to: 49, label: 1).isEmpty)
        #expect(try store.labelPredictions(model: "m", entity: "e", from: 50, to: 50, label: 1).count == 1)
    }

    @Test func aBatchIsBufferedUpToCapacityAndTheRestCountedAsDropped() throws {
        let store = try Backend.sqlite.freshStore()
        defer { store.close() }
        // A long interval and a large batch size: nothing is written before the explicit flush.
        let journal = PredictionJournal(store: store, capacity: 3, batchSize: 100, flushInterval: 3_600)
        let batch = (0..<5).map { prediction("b\($0)", entity: "host-\($0)", time: 1_700_000_000 + Double($0)) }
        #expect(journal.record(contentsOf: batch) == 3)
        #expect(journal.droppedCount == 2)
        #expect(journal.bufferedCount == 3)
        #expect(journal.record(contentsOf: []) == 0)
        journal.flush()
        #expect(try store.predictionCount() == 3)
        #expect(try store.labelPrediction(id: "b2", label: 1) != nil)
        #expect(try store.labelPrediction(id: "b3", label: 1) == nil)
        journal.stop(timeout: 10)
    }
}

@Suite struct PredictionJournalTests {
    /// Journaling takes CPU from the event loops last: its thread, which now runs the inserts itself, lowers
    /// itself to nice 19 (the store's writer thread, which ran them before, is at nice 10).
    @Test func theJournalThreadRunsAtTheLowestPriority() throws {
        let store = try Backend.sqlite.freshStore()
        defer { store.close() }
        let journal = PredictionJournal(store: store, capacity: 10, batchSize: 10, flushInterval: 600)
        defer { journal.stop(timeout: 10) }
        // Every journal thread of the process (other tests run journals too), once it has started.
        var nices: [String] = []
        let deadline = Date().addingTimeInterval(5)
        repeat {
            nices = journalThreadNices()
            if !nices.isEmpty, nices.allSatisfy({ $0 == "19" }) { break }
            Thread.sleep(forTimeInterval: 0.01)
        } while Date() < deadline
        #expect(!nices.isEmpty && nices.allSatisfy { $0 == "19" }, "nice values \(nices)")
    }

    /// The nice value (field 19 of /proc's stat) of each thread named `PredictionJournal.threadName`.
    private func journalThreadNices() -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task in
            guard
                let name = try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8),
                name.trimmingCharacters(in: .newlines) == PredictionJournal.threadName,
                let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                let afterName = stat.range(of: ") ", options: .backwards)
            else { return nil }
            // Fields after the parenthesised name start at field 3 (state).
            let fields = stat[afterName.upperBound...].split(separator: " ")
            return fields.count > 16 ? String(fields[16]) : nil
        }
    }

    /// A journal writing steadily on its own connection and acknowledged writes through the writer thread
    /// share the database: both commit everything.
    @Test func journalingAndAcknowledgedWritesCommitSideBySide() throws {
        let store = try Backend.sqlite.freshStore()
        defer { store.close() }
        let journal = PredictionJournal(store: store, capacity: 200_000, batchSize: 5_000, flushInterval: 0.01)
        var recorded = 0
        for round in 0..<50 {
            recorded += journal.record(
                contentsOf: (0..<400).map { prediction("j\(round)-\($0)", entity: "e\($0 % 7)", time: Double(round)) })
            try store.insertPredictions([prediction("ack\(round)", entity: "acked", time: Double(round), risk: 0.9)])
        }
        journal.stop(timeout: 60)
        #expect(recorded == 20_000)
        #expect(journal.droppedCount == 0)
        #expect(try store.predictionCount() == 20_050)
        #expect(try store.labelPredictions(model: "m", entity: "acked", from: 0, to: 49, label: 1).count == 50)
    }

    @Test func aFullBufferDropsAndCountsInsteadOfGrowing() throws {
        let store = try Backend.sqlite.freshStore()
        defer { store.close() }
        // A long interval and a batch larger than the buffer: nothing is written until stop.
        let journal = PredictionJournal(store: store, capacity: 10, batchSize: 1_000, flushInterval: 600)
        var accepted = 0
        for index in 0..<1_000 {
            if journal.record(prediction("p\(index)", entity: "e", time: Double(index))) { accepted += 1 }
        }
        #expect(accepted == 10)
        #expect(journal.droppedCount == 990)
        #expect(journal.bufferedCount == 10)
        journal.stop(timeout: 30)
        #expect(journal.writtenCount == 10)
        #expect(try store.predictionCount() == 10, "stop flushes what was buffered")
    }

    /// Under a steady prediction rate the journal commits about once per interval (or per full batch),
    /// not a few rows per transaction as fast as the store can fsync.
    @Test(arguments: Backend.allCases) func aSteadyStreamCommitsInBatchesNotOneTinyTransactionAfterAnother(
        _ backend: Backend
    ) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        let journal = PredictionJournal(store: store, capacity: 200_000, batchSize: 5_000, flushInterval: 0.25)
        let started = Date()
        var recorded = 0
        while Date().timeIntervalSince(started) < 1.5 {
            recorded += journal.record(
                contentsOf: (0..<20).map { prediction("p\(recorded + $0)", entity: "e\($0)", time: Double(recorded)) })
            Thread.sleep(forTimeInterval: 0.001)
        }
        let elapsed = Date().timeIntervalSince(started)
        journal.stop(timeout: 60)
        #expect(try store.predictionCount() == recorded)
        // One commit per interval plus one per full batch, with slack for the final flush at stop.
        let bound = Int((elapsed / 0.25).rounded(.up)) + recorded / 5_000 + 3
        #expect(journal.batchCount <= bound, "\(journal.batchCount) commits for \(recorded) predictions")
        #expect(journal.batchCount >= 2)
    }
}
