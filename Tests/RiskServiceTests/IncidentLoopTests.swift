import Foundation
import HTTPCore
import JSON
import RiskService
import RiskdTesting
import Testing

/// The incident loop end to end against a local fake PagerDuty: what fallback answers page, storm
/// control that defers into digests, a full disk, and what the data directory leaks.
@Suite struct IncidentLoopTests {
    /// riskd paging a fake PagerDuty, with `policy` and extra configuration.
    static func running(
        _ pagerDuty: FakeUpstream, policy: String = #"{"suppression": {"cooldown_seconds": 0}}"#,
        repository: TemporaryModelRepository? = nil, configure: (inout ServiceConfiguration) -> Void = { _ in }
    ) throws -> RunningService {
        let directory = NSTemporaryDirectory() + "riskd-key-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data((routingKey + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/key"))
        return try RunningService(repository: repository, policy: policy) {
            $0.pagerDutyURL = pagerDuty.baseURL
            $0.pagerDutyRoutingKeyFile = directory + "/key"
            configure(&$0)
        }
    }

    static let routingKey = "R0UT1NG-KEY-0123456789abcdef0123"

    static func accepting() throws -> FakeUpstream {
        try FakeUpstream { _, _ in .respond(status: 202, body: #"{"status":"success"}"#) }
    }

    /// Every event PagerDuty received, decoded.
    static func events(_ pagerDuty: FakeUpstream) throws -> [JSONValue] {
        try pagerDuty.requests.map { try JSONParser().parse($0.body) }
    }

    static func telemetry(_ points: [(String, Double)], at time: Double, labels: String = "{}") -> String {
        let items = points.map { #"{"metric": "\#($0.0)", "timestamp": \#(time), "value": \#($0.1)}"# }
        return #"{"labels": \#(labels), "points": [\#(items.joined(separator: ", "))]}"#
    }

    /// Waits (bounded) for `condition`, polling every 20 ms.
    static func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            if Date() > deadline { return false }
            usleep(20_000)
        }
        return true
    }

    @Test func fallbackRulesPageMarkedAsFallbackButNeverResolveAndAnUnloadedModelPages() throws {
        let pagerDuty = try Self.accepting()
        defer { pagerDuty.stop() }
        // Every feature required: with one missing the manifest's rules answer.
        let repository = try TemporaryModelRepository()
        try repository.addLinearVersion(
            "disk", version: 1, coefficients: [1, 2], intercept: -1,
            manifest: RunningService.fullManifest.replacingOccurrences(
                of: #""min_feature_fraction": 0.5"#, with: #""min_feature_fraction": 1.0"#))
        let running = try Self.running(
            pagerDuty, policy: #"{"suppression": {"cooldown_seconds": 0}, "pagerduty": {"hold_seconds": 0}}"#,
            repository: repository)
        let now = Date().timeIntervalSince1970

        // errors = 3 alone: the rule "b >= 2" answers 0.8, an L1 page marked as coming from a fallback rule.
        var response = try running.request(
            "POST", "/v1/entities/sdb/telemetry", json: Self.telemetry([("errors", 3)], at: now - 60))
        #expect(response.status == 200, "\(response.text)")
        #expect(try response.json()["risks"]?.arrayValue?.first?["prediction"]?["source"] == .string("fallback"))
        #expect(pagerDuty.waitForRequests(count: 1, timeout: 10))
        let page = try #require(try Self.events(pagerDuty).first)
        #expect(page["event_action"] == "trigger")
        #expect(page["dedup_key"] == "riskd/disk/sdb")
        #expect(page["payload"]?["custom_details"]?["source"] == "fallback")
        #expect(page["payload"]?["custom_details"]?["fallback_reason"]?.stringValue?.contains("many errors") == true)
        #expect(page["payload"]?["severity"] == "warning")

        // A low fallback answer does not resolve it (hold 0 would resolve a model answer at once) ...
        response = try running.request(
            "POST", "/v1/entities/sdb/telemetry", json: Self.telemetry([("errors", 0)], at: now - 50))
        #expect(try response.json()["risks"]?.arrayValue?.first?["prediction"]?["source"] == .string("fallback"))
        #expect(!pagerDuty.waitForRequests(count: 2, timeout: 0.5))
        // ... a low model answer does.
        response = try running.request(
            "POST", "/v1/entities/sdb/telemetry", json: Self.telemetry([("temp", -3), ("errors", 0)], at: now - 40))
        #expect(try response.json()["risks"]?.arrayValue?.first?["prediction"]?["source"] == .string("model"))
        #expect(pagerDuty.waitForRequests(count: 2, timeout: 10))
        #expect(try Self.events(pagerDuty).last?["event_action"] == "resolve")

        // The only version disappears: the model-unavailable page goes out once, whatever the rules say.
        try repository.remove("disk/1")
        running.service.registry.reload()
        for offset in [30.0, 20.0] {
            response = try running.request(
                "POST", "/v1/entities/sdb/telemetry", json: Self.telemetry([("errors", 0)], at: now - offset))
            #expect(response.status == 200, "\(response.text)")
            let risk = try #require(try response.json()["risks"]?.arrayValue?.first)
            #expect(risk["prediction"]?["source"] == .string("fallback"))
            #expect(risk["version"] == .null)
        }
        #expect(pagerDuty.waitForRequests(count: 3, timeout: 10))
        #expect(!pagerDuty.waitForRequests(count: 4, timeout: 0.5))
        let unavailable = try #require(try Self.events(pagerDuty).last)
        #expect(unavailable["dedup_key"] == "riskd-model/disk")
        #expect(unavailable["event_action"] == "trigger")
        #expect(unavailable["payload"]?["severity"] == "error")

        // The predict route counts its batch's fallback answers too (one add per reason).
        response = try running.request(
            "POST", "/v1/models/disk/predict",
            json: #"{"instances": [{"features": {"b": 0}}, {"features": {"b": 3}}]}"#)
        #expect(response.status == 200, "\(response.text)")

        let metrics = try running.request("GET", "/metrics").text
        #expect(metrics.contains(#"riskd_fallback_predictions_total{model="disk",reason="missing_features"} 2"#))
        #expect(metrics.contains(#"riskd_fallback_predictions_total{model="disk",reason="model_unavailable"} 4"#))
    }

    @Test func stormControlDefersIntoGroupDigestsThatNameEverySuppressedEntity() throws {
        let pagerDuty = try Self.accepting()
        defer { pagerDuty.stop() }
        let running = try Self.running(
            pagerDuty,
            policy: """
                {"suppression": {"group_labels": ["cluster"], "cooldown_seconds": 1, "window_seconds": 2,
                                 "max_pages_per_window": 10}}
                """)
        let now = Date().timeIntervalSince1970
        let clusters = (0..<15).map { "c\($0)" }
        let entities = (0..<45).map { "disk-\($0)" }
        for (index, entity) in entities.enumerated() {
            let response = try running.request(
                "POST", "/v1/entities/\(entity)/telemetry",
                json: Self.telemetry(
                    [("temp", 3), ("errors", 3)], at: now - 10,
                    labels: #"{"cluster": "\#(clusters[index % clusters.count])"}"#))
            #expect(response.status == 200)
        }
        // Each entity is named exactly once: in its own page or in its group's digest.
        var named: [String] = []
        var groups: Set<String> = []
        var digests = 0
        let complete = try Self.eventually(timeout: 30) {
            named = []
            groups = []
            digests = 0
            for event in try Self.events(pagerDuty) where event["event_action"] == "trigger" {
                let key = event["dedup_key"]?.stringValue ?? ""
                if let group = event["payload"]?["group"]?.stringValue { groups.insert(group) }
                if key.hasPrefix("riskd-digest/") {
                    digests += 1
                    let listed = event["payload"]?["custom_details"]?["entities"]?.arrayValue ?? []
                    named += listed.compactMap { $0["entity"]?.stringValue }
                } else if key.hasPrefix("riskd/disk/") {
                    named.append(String(key.dropFirst("riskd/disk/".count)))
                }
            }
            return named.count >= entities.count && groups.count == clusters.count
        }
        #expect(complete, "named \(named.count) of 45, groups \(groups.count) of 15")
        #expect(named.sorted() == entities.sorted())
        #expect(groups == Set(clusters))
        #expect(digests > 0)
        // Never more than the storm cap per window: every page after the first ten was a digest.
        #expect(try Self.events(pagerDuty).count <= 10 + digests)
        let suppressed = try running.request("GET", "/v1/alerts/suppressed").json()
        #expect(suppressed["deferred"]?.arrayValue?.isEmpty == true)
    }

    @Test func dataDirectoryFilesAreOwnerOnlyAndDeadLettersCarryNoRoutingKey() throws {
        let pagerDuty = try FakeUpstream { _, _ in .respond(status: 400, body: #"{"status":"invalid event"}"#) }
        defer { pagerDuty.stop() }
        // Every prediction logged (the default samples 1 %), so the log has a file to check.
        let running = try Self.running(pagerDuty) { $0.predictionLogSampleRate = 1 }
        let response = try running.request(
            "POST", "/v1/entities/sdc/telemetry",
            json: Self.telemetry([("temp", 3), ("errors", 3)], at: Date().timeIntervalSince1970))
        #expect(response.status == 200)
        let deadLetters = running.dataDirectory + "/outbox/dead-letters.jsonl"
        #expect(
            Self.eventually { (try? String(contentsOfFile: deadLetters, encoding: .utf8))?.contains("sdc") == true })
        let text = try String(contentsOfFile: deadLetters, encoding: .utf8)
        #expect(!text.contains(Self.routingKey))
        #expect(text.contains("[redacted]"))
        // The prediction log writes in the background: wait for its first file.
        let predictions = running.dataDirectory + "/predictions"
        #expect(
            Self.eventually { !((try? FileManager.default.contentsOfDirectory(atPath: predictions)) ?? []).isEmpty })
        var checked = 0
        let manager = FileManager.default
        let walker = try #require(manager.enumerator(atPath: running.dataDirectory))
        while let relative = walker.nextObject() as? String {
            let path = running.dataDirectory + "/" + relative
            // Test inputs written by the harness itself are not riskd's files.
            if relative == "policy.json" || relative == "tokens.json" { continue }
            let attributes = try manager.attributesOfItem(atPath: path)
            let mode = (attributes[FileAttributeKey.posixPermissions] as? Int ?? 0) & 0o777
            let isDirectory = attributes[FileAttributeKey.type] as? FileAttributeType == .typeDirectory
            #expect(mode == (isDirectory ? 0o700 : 0o600), "\(relative): \(String(mode, radix: 8))")
            checked += 1
        }
        #expect(checked >= 5)  // outbox/, outbox.log, dead-letters.jsonl, audit.log, predictions/ and a log file
    }

    @Test func aFullDiskFailsThePageWith503AndLeavesNoIncidentBehind() throws {
        let mountPoint = NSTemporaryDirectory() + "riskd-tmpfs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]) == 0)
        defer {
            _ = try? Self.run("/bin/umount", ["-l", mountPoint])
            try? FileManager.default.removeItem(atPath: mountPoint)
        }
        let pagerDuty = try Self.accepting()
        defer { pagerDuty.stop() }
        let running = try Self.running(pagerDuty) {
            $0.dataDirectory = mountPoint + "/data"
            $0.predictionLogRetention = 0
        }
        try withExtendedLifetime(running) {
            let filler = mountPoint + "/filler"
            try Self.fill(filler)
            let now = Date().timeIntervalSince1970
            let body = Self.telemetry([("temp", 3), ("errors", 3)], at: now - 30)
            var response = try running.request("POST", "/v1/entities/sdd/telemetry", json: body)
            #expect(response.status == 503)
            #expect(try response.json()["error"]?["code"] == "storage_unavailable")
            let ready = try running.request("GET", "/readyz")
            #expect(ready.status == 503)
            #expect(ready.text.contains("storage_unavailable"))
            #expect(
                try running.request("GET", "/metrics").text.contains(
                    #"riskd_storage_write_failures_total{store="outbox"} 1"#))
            #expect(pagerDuty.requests.isEmpty)

            try FileManager.default.removeItem(atPath: filler)
            #expect(try Self.eventually { try running.request("GET", "/readyz").status == 200 })
            // Nothing was recorded: the same risk pages now (a recorded trigger would have stayed silent).
            response = try running.request(
                "POST", "/v1/entities/sdd/telemetry", json: Self.telemetry([("errors", 3)], at: now - 20))
            #expect(response.status == 200, "\(response.text)")
            #expect(pagerDuty.waitForRequests(count: 1, timeout: 10))
            #expect(try Self.events(pagerDuty).first?["dedup_key"] == "riskd/disk/sdd")
        }
    }

    /// Writes zeros to `path` until the file system is full.
    static func fill(_ path: String) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        let chunk = Data(count: 64 * 1024)
        for _ in 0..<10_000 {
            do { try handle.write(contentsOf: chunk) } catch { return }
        }
        Issue.record("the file system never filled up")
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
