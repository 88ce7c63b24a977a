import Dispatch
import Features
import Foundation
import RiskdTesting
import Storage
import Synchronization

// The state layer's cost, as ratios measured in one run (see bench/state/run.sh):
//  1. telemetry ingest points/s: in-memory windows only (riskd before the state store) against the same
//     plus the durable write-through riskd now does before answering, with SQLite and with PostgreSQL;
//  2. the predict path: what `PredictionJournal.record` (the only store-related work a prediction does)
//     costs per call, and how many predictions/s each backend commits behind it;
//  3. bytes per stored point and per stored prediction in each backend (for docs/scaling.md).

let writers = 8
let entitiesPerWriter = 250
let batchesPerEntity = 4
let pointsPerBatch = 60  // one agent post: 30 minutes of two metrics at one point per minute

func batch(_ entity: Int, _ index: Int) -> [MetricPoint] {
    (0..<pointsPerBatch).map { point in
        let minute = Double(index * pointsPerBatch / 2 + point / 2)
        return MetricPoint(
            metric: point % 2 == 0 ? "temp" : "errors", timestamp: 1_700_000_000 + minute * 60,
            value: Double((entity * 31 + point) % 97) / 7)
    }
}

/// Points/s through `entities.ingest` (+ `store.appendTelemetry` when given), `writers` threads at once.
func ingestRate(store: StateStore?) -> Double {
    var limits = EntityStoreLimits()
    limits.maxEntities = 1_000_000
    limits.maxBytes = 1 << 34
    let entities = EntityStore(limits: limits, clock: { 1_700_000_000 })
    entities.setRetention(["temp": 30 * 86_400, "errors": 7 * 86_400])
    let started = DispatchTime.now().uptimeNanoseconds
    DispatchQueue.concurrentPerform(iterations: writers) { writer in
        for local in 0..<entitiesPerWriter {
            let entity = writer * entitiesPerWriter + local
            for index in 0..<batchesPerEntity {
                let points = batch(entity, index)
                _ = try? entities.ingest(entity: "host-\(entity)", points: points, labels: ["cluster": "c"])
                if let store {
                    try! store.appendTelemetry(
                        entity: "host-\(entity)",
                        points: points.map { StoredPoint(metric: $0.metric, timestamp: $0.timestamp, value: $0.value) },
                        labels: ["cluster": "c"], retention: ["temp": 30 * 86_400, "errors": 7 * 86_400],
                        maxPointsPerSeries: entities.limits.maxPointsPerSeries)
                }
            }
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return Double(writers * entitiesPerWriter * batchesPerEntity * pointsPerBatch) / seconds
}

/// Nanoseconds per `record` call from 2 threads, and predictions/s committed by the journal.
func journalCost(store: StateStore, count: Int) -> (nanosecondsPerRecord: Double, committedPerSecond: Double) {
    let journal = PredictionJournal(store: store, capacity: count, batchSize: 5_000, flushInterval: 0.25)
    let run = UUID().uuidString.prefix(8)
    let records = (0..<count).map { index in
        PredictionRecord(
            id: "p-\(run)-\(index)", model: "disk-failure", version: "2", entity: "host-\(index % 10_000)",
            risk: 0.25, tier: "none", time: 1_700_000_000 + Double(index) / 1e4)
    }
    let started = DispatchTime.now().uptimeNanoseconds
    DispatchQueue.concurrentPerform(iterations: 2) { thread in
        for index in stride(from: thread, to: count, by: 2) { journal.record(records[index]) }
    }
    let recorded = Double(DispatchTime.now().uptimeNanoseconds - started)
    journal.stop(timeout: 600)
    let committed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    return (recorded / Double(count), Double(journal.writtenCount) / committed)
}

func sqliteBytes(_ path: String) -> Int {
    ["", "-wal"].reduce(0) { total, suffix in
        total + ((try? FileManager.default.attributesOfItem(atPath: path + suffix)[.size] as? Int) ?? 0)
    }
}

let directory = NSTemporaryDirectory() + "riskd-statebench-" + UUID().uuidString
let sqlitePath = directory + "/riskd.db"
let sqlite = try StateStore(url: .sqlite(path: sqlitePath), now: 0)
let postgresURL = try TestPostgres.freshDatabaseURL()
let postgres = try StateStore(url: .postgres(url: postgresURL), now: 0)

// Alternate the three so drift in machine load spreads over all of them; best of 3 each.
var memory = 0.0
var withSQLite = 0.0
var withPostgres = 0.0
for _ in 0..<3 {
    memory = max(memory, ingestRate(store: nil))
    withSQLite = max(withSQLite, ingestRate(store: sqlite))
    withPostgres = max(withPostgres, ingestRate(store: postgres))
}
let points = writers * entitiesPerWriter * batchesPerEntity * pointsPerBatch
print("ingest_points_per_second memory=\(Int(memory)) sqlite=\(Int(withSQLite)) postgres=\(Int(withPostgres))")
print(
    "ingest_ratio_vs_memory sqlite=\(String(format: "%.3f", withSQLite / memory)) postgres=\(String(format: "%.3f", withPostgres / memory))"
)
let sqlitePointBytes = Double(sqliteBytes(sqlitePath)) / Double(points)
// Every round wrote the same points again (upserts), so the tables hold each point once.
let postgresPointBytes = Double(try postgres.postgresTableBytes("telemetry_points") ?? 0) / Double(points)

let predictions = 300_000
let sqliteJournal = journalCost(store: sqlite, count: predictions)
let postgresJournal = journalCost(store: postgres, count: predictions)
print(
    "journal_record_ns sqlite=\(String(format: "%.0f", sqliteJournal.nanosecondsPerRecord)) postgres=\(String(format: "%.0f", postgresJournal.nanosecondsPerRecord))"
)
print(
    "journal_committed_per_second sqlite=\(Int(sqliteJournal.committedPerSecond)) postgres=\(Int(postgresJournal.committedPerSecond))"
)
let sqlitePredictionBytes = (Double(sqliteBytes(sqlitePath)) - sqlitePointBytes * Double(points)) / Double(predictions)
let postgresPredictionBytes = Double(try postgres.postgresTableBytes("predictions") ?? 0) / Double(predictions)
print("sqlite_bytes_per_point=\(Int(sqlitePointBytes)) sqlite_bytes_per_prediction=\(Int(sqlitePredictionBytes))")
print("postgres_bytes_per_point=\(Int(postgresPointBytes)) postgres_bytes_per_prediction=\(Int(postgresPredictionBytes))")
sqlite.close()
postgres.close()
