import Foundation
import JSON
import Metrics
import Synchronization
import Testing

@testable import Monitoring

@Suite struct PredictionLogTests {
    private func temporaryDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("riskd-plog-\(UUID().uuidString)").path
        return path
    }

    private func entry(_ index: Int, entity: String = "disk-1") -> PredictionLogEntry {
        PredictionLogEntry(
            id: "p\(index)", time: 1_700_000_000 + Double(index), model: "disk", version: "3", entity: entity,
            featureNames: ["smart_5", "smart_197"], values: [Double(index), .nan], risk: 0.25, lower: 0.2, upper: 0.3,
            tier: "l1", reason: "owner bob@example.com")
    }

    private func logFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    /// Every line of every file, schema lines included.
    private func allLines(_ directory: String) throws -> [JSONValue] {
        try logFiles(directory).flatMap { name in
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            return try text.split(separator: "\n").map { try JSONParser().parse(String($0)) }
        }
    }

    /// The prediction lines (without schema lines).
    private func lines(_ directory: String) throws -> [JSONValue] {
        try allLines(directory).filter { $0["schema"] == nil }
    }

    @Test func writesScrubbedJSONLinesAndFlushesOnClose() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = PredictionLog(
            configuration: PredictionLogConfiguration(directory: directory), metrics: MetricsRegistry(),
            clock: { 1_700_000_000 })
        for index in 0..<50 { #expect(log.append(entry(index, entity: "host 10.1.2.3"))) }
        #expect(log.close())
        #expect(!log.append(entry(99)))
        let written = try lines(directory)
        #expect(written.count == 50 && log.writtenCount == 50)
        #expect(written[7]["id"] == "p7")
        #expect(written[7]["entity"] == "host [REDACTED:ipv4]")
        #expect(written[7]["reason"] == "owner [REDACTED:email]")
        #expect(written[7]["features"] == [7, .null])
        // One schema line names the features for the file.
        let schemas = try allLines(directory).filter { $0["schema"] != nil }
        #expect(schemas.count == 1)
        #expect(schemas.first?["schema"]?["feature_names"] == ["smart_5", "smart_197"])
        #expect(schemas.first?["schema"]?["version"] == "3")
        #expect(written[7]["interval"] == [0.2, 0.3])
        #expect(try logFiles(directory) == ["predictions-20231114T221320Z.jsonl"])
    }

    @Test func rotatesBySizeAndByHour() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Mutex(1_700_000_000.0)
        var configuration = PredictionLogConfiguration(directory: directory)
        configuration.maxFileBytes = entry(0).schemaLine().count + entry(0).line().count * 10 + 5
        let log = PredictionLog(
            configuration: configuration, metrics: MetricsRegistry(), clock: { now.withLock { $0 } })
        for index in 0..<25 { log.append(entry(index)) }
        // Wait (bounded) until the writer has consumed them, then move to the next hour.
        let deadline = Date().addingTimeInterval(10)
        while log.writtenCount < 25 && Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
        now.withLock { $0 += 3600 }
        log.append(entry(25))
        #expect(log.close())
        let files = try logFiles(directory)
        // 25 entries at 10 per file → 3 files in the first hour, then one for the next hour.
        #expect(files.count == 4)
        #expect(files.last == "predictions-20231114T231320Z.jsonl")
        #expect(try lines(directory).count == 26)
    }

    @Test func retentionDeletesOnlyOldLogFiles() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["predictions-20200101T000000Z.jsonl", "other.jsonl", "predictions-20231114T000000Z.jsonl"] {
            #expect(manager.createFile(atPath: directory + "/" + name, contents: Data("{}\n".utf8)))
        }
        let old = Date(timeIntervalSince1970: 1_700_000_000 - 30 * 86_400)
        try manager.setAttributes(
            [.modificationDate: old], ofItemAtPath: directory + "/predictions-20200101T000000Z.jsonl")
        try manager.setAttributes([.modificationDate: old], ofItemAtPath: directory + "/other.jsonl")
        let log = PredictionLog(
            configuration: PredictionLogConfiguration(directory: directory), metrics: MetricsRegistry(),
            clock: { 1_700_000_000 })
        log.append(entry(1))
        #expect(log.close())
        let remaining = Set(try manager.contentsOfDirectory(atPath: directory))
        #expect(!remaining.contains("predictions-20200101T000000Z.jsonl"))
        #expect(remaining.isSuperset(of: ["other.jsonl", "predictions-20231114T000000Z.jsonl"]))
    }

    @Test func fullQueueDropsInsteadOfBlocking() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let gate = DispatchSemaphore(value: 0)
        var configuration = PredictionLogConfiguration(directory: directory)
        configuration.queueCapacity = 2
        let registry = MetricsRegistry()
        // The writer blocks in its first clock reading until the gate opens, so the queue cannot drain.
        let opened = Mutex(false)
        let log = PredictionLog(
            configuration: configuration, metrics: registry,
            clock: {
                if !opened.withLock({ $0 }) { _ = gate.wait(timeout: .now() + 10) }
                return 1_700_000_000
            })
        var accepted = 0
        for index in 0..<10 where log.append(entry(index)) { accepted += 1 }
        opened.withLock { $0 = true }
        gate.signal()
        #expect(log.close())
        #expect(accepted <= 3)
        #expect(log.droppedCount == UInt64(10 - accepted))
        #expect(log.writtenCount == UInt64(accepted))
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(text.contains("riskd_prediction_log_dropped_total \(10 - accepted)"))
    }

    @Test func sampleRateLogsItsShareAndCountsTheRest() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = PredictionLogConfiguration(directory: directory)
        configuration.sampleRate = 0.1
        let registry = MetricsRegistry()
        let log = PredictionLog(configuration: configuration, metrics: registry, clock: { 1_700_000_000 })
        var chosen = 0
        for _ in 0..<100 {
            let picked = log.sample(count: 100)
            #expect(picked == picked.sorted() && picked.allSatisfy { (0..<100).contains($0) })
            chosen += picked.count
        }
        // 10,000 draws at 0.1: within ±5 standard deviations (30) of 1,000.
        #expect(abs(chosen - 1_000) < 150)
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        #expect(text.contains("riskd_prediction_log_sampled_out_total \(10_000 - chosen)"))
        configuration.sampleRate = 1
        let everything = PredictionLog(configuration: configuration, metrics: MetricsRegistry())
        #expect(everything.sample(count: 7) == Array(0..<7))
        configuration.sampleRate = 0
        let nothing = PredictionLog(configuration: configuration, metrics: MetricsRegistry())
        #expect(nothing.sample(count: 7).isEmpty)
        #expect(log.close() && everything.close() && nothing.close())
    }

    @Test func totalSizeCapDeletesTheOldestFilesFirst() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Mutex(1_700_000_000.0)
        var configuration = PredictionLogConfiguration(directory: directory)
        let perFile = entry(0).schemaLine().count + entry(0).line().count * 10
        configuration.maxFileBytes = perFile + 5
        configuration.maxTotalBytes = perFile * 4 + 20
        let registry = MetricsRegistry()
        let log = PredictionLog(
            configuration: configuration, metrics: registry,
            clock: {
                now.withLock {
                    $0 += 1; return $0
                }
            })
        for index in 0..<100 { #expect(log.append(entry(index))) }
        #expect(log.close())
        let files = try logFiles(directory)
        let total = try files.reduce(0) { sum, name in
            sum + ((try FileManager.default.attributesOfItem(atPath: directory + "/" + name))[.size] as? Int ?? 0)
        }
        #expect(total <= configuration.maxTotalBytes)
        // 100 entries at 9-10 per file make 10-11 files; only the newest ones remain, in full.
        #expect(files.count < 10 && files.count >= 3)
        let ids = try lines(directory).compactMap { $0["id"]?.stringValue.flatMap { Int($0.dropFirst()) } }
        #expect(ids.last == 99 && !ids.contains(0))
        #expect(ids == Array((ids.first ?? 0)...99))
        let text = String(decoding: registry.exposition(), as: UTF8.self)
        let deleted = text.split(separator: "\n").first {
            $0.hasPrefix("riskd_prediction_log_files_deleted_total{reason=\"size\"}")
        }
        #expect((deleted?.split(separator: " ").last).flatMap { Int($0) } ?? 0 >= 10 - files.count)
    }
}
