import Features
import Foundation
import Storage
import Testing

@Suite struct StateStoreTelemetryTests {
    @Test(arguments: Backend.allCases) func pointsComeBackBitIdenticalInTimeOrder(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        // (SQLite stores -0.0 as 0.0, so it is left out.)
        let awkward = [0.1 + 0.2, 1e-300, 7.0, 123_456_789.123_456_78, Double.leastNonzeroMagnitude, 5e307]
        var points: [MetricPoint] = []
        for (index, value) in awkward.enumerated() {
            points.append(MetricPoint(metric: "cpu", timestamp: 1_700_000_000.5 + Double(10 - index), value: value))
        }
        try store.appendTelemetry(entity: "host-\"1\"", points: points, labels: ["cluster": "eu,1", "rack": "{a}"])
        let stored = try #require(try store.telemetry(entity: "host-\"1\""))
        #expect(stored.points.map(\.timestamp) == points.map(\.timestamp).sorted())
        #expect(stored.points.map(\.value.bitPattern) == points.reversed().map(\.value.bitPattern))
        #expect(stored.labels == ["cluster": "eu,1", "rack": "{a}"])
        #expect(try store.telemetry(entity: "nobody") == nil)
    }

    @Test(arguments: Backend.allCases) func theSameTimestampKeepsTheLastWrite(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        try store.appendTelemetry(
            entity: "e",
            points: [.init(metric: "m", timestamp: 10, value: 1), .init(metric: "m", timestamp: 10, value: 2)],
            labels: [:])
        try store.appendTelemetry(
            entity: "e", points: [.init(metric: "m", timestamp: 10, value: 3)], labels: ["a": "1"])
        try store.appendTelemetry(entity: "e", points: [], labels: ["a": "2"])
        let stored = try #require(try store.telemetry(entity: "e"))
        #expect(stored.points == [MetricPoint(metric: "m", timestamp: 10, value: 3)])
        #expect(stored.labels == ["a": "2"])
    }

    @Test(arguments: Backend.allCases) func pruningDropsOnlyOldPoints(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        let points = (0..<10).map { MetricPoint(metric: "m", timestamp: Double($0), value: Double($0)) }
        try store.appendTelemetry(entity: "a", points: points, labels: [:])
        try store.appendTelemetry(entity: "b", points: [.init(metric: "m", timestamp: 100, value: 1)], labels: [:])
        #expect(try store.pruneTelemetry(before: 5) == 5)
        #expect(try store.telemetry(entity: "a")?.points.map(\.timestamp) == [5, 6, 7, 8, 9])
        #expect(try store.telemetry(entity: "a", since: 7)?.points.map(\.timestamp) == [8, 9])
        #expect(Set(try store.telemetryEntities()) == ["a", "b"])
    }

    @Test(arguments: Backend.allCases) func appendsDropWhatTheWindowNoLongerReaches(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        let points = (0...10).map { MetricPoint(metric: "m", timestamp: Double($0 * 10), value: 1) }
        try store.appendTelemetry(entity: "e", points: points, labels: [:], retention: ["m": 30])
        try store.appendTelemetry(
            entity: "e", points: [.init(metric: "other", timestamp: 0, value: 1)], labels: [:], retention: ["m": 30])
        let stored = try #require(try store.telemetry(entity: "e"))
        #expect(stored.points.filter { $0.metric == "m" }.map(\.timestamp) == [80, 90, 100])
        #expect(stored.points.contains { $0.metric == "other" }, "no retention given: kept")
        try store.appendTelemetry(
            entity: "e", points: (101...105).map { MetricPoint(metric: "m", timestamp: Double($0), value: 2) },
            labels: [:], retention: ["m": 30], maxPointsPerSeries: 4)
        #expect(
            try store.telemetry(entity: "e")?.points.filter { $0.metric == "m" }.map(\.timestamp) == [
                102, 103, 104, 105,
            ],
            "only the newest 4 points of the series are kept")
    }

    @Test(arguments: Backend.allCases) func concurrentWritersAllCommit(_ backend: Backend) throws {
        let store = try backend.freshStore()
        defer { store.close() }
        DispatchQueue.concurrentPerform(iterations: 16) { writer in
            for batch in 0..<10 {
                let points = (0..<20).map {
                    MetricPoint(metric: "m\($0 % 3)", timestamp: Double(batch * 100 + $0), value: Double(writer))
                }
                try? store.appendTelemetry(entity: "w\(writer)", points: points, labels: [:])
            }
        }
        for writer in 0..<16 {
            #expect(try store.telemetry(entity: "w\(writer)")?.points.count == 200)
        }
    }

    @Test func aSecondProcessCannotOpenTheSameSQLiteFile() throws {
        let url = try Backend.sqlite.freshURL()
        let store = try StateStore(url: url, now: 0)
        #expect(throws: StorageError.self) { try StateStore(url: url, now: 0) }
        store.close()
        // Reopening after close works, and migrations are not applied twice.
        let reopened = try StateStore(url: url, now: 0)
        reopened.close()
    }

    @Test func stateURLsParseAndMaskPasswords() throws {
        #expect(try StateURL(parsing: "sqlite:///var/lib/riskd/riskd.db") == .sqlite(path: "/var/lib/riskd/riskd.db"))
        #expect(try StateURL(parsing: "sqlite://data/riskd.db") == .sqlite(path: "data/riskd.db"))
        #expect(
            try StateURL(parsing: "postgres://riskd:secret@db:5432/riskd").description
                == "postgres://riskd:***@db:5432/riskd")
        #expect(try StateURL(parsing: "postgresql://riskd@db/riskd").backend == "postgres")
        #expect(throws: StorageError.self) { try StateURL(parsing: "mysql://x") }
        #expect(throws: StorageError.self) { try StateURL(parsing: "sqlite://") }
    }
}
