import Foundation
import HTTPCore
import JSON
import RiskdTesting
import Synchronization
import Testing

/// Shared state a closure can capture (`Mutex` and `Atomic` themselves cannot be captured).
final class Box<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    var current: Value { value.withLock { $0 } }
    func update(_ body: (inout Value) -> Void) { value.withLock { body(&$0) } }
}

/// The real `riskd` executable as a child process: signals, exit codes and what survives a kill -9.
final class RiskdProcess {
    let process = Process()
    private let output = Box("")
    private(set) var port = 0

    static var executable: String? {
        let directories = [
            Bundle.main.executableURL?.deletingLastPathComponent().path,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
        ].compactMap { $0 }
        return directories.map { $0 + "/riskd" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    init(environment: [String: String], arguments: [String] = ["serve"], directory: String? = nil) throws {
        let executable = try #require(Self.executable, "the riskd executable is built next to the tests")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory.map { URL(fileURLWithPath: $0) }
        process.environment = ["RISKD_HOST": "127.0.0.1", "RISKD_PORT": "0"].merging(environment) { $1 }
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.update { $0 += text }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while port == 0, Date() < deadline, process.isRunning {
            if let line = output.current.split(separator: "\n").first(where: { $0.contains("riskd listening") }),
                let value = try? JSONParser().parse(String(line))["port"]?.intValue
            {
                port = value
            } else {
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        try #require(port != 0, "riskd did not start: \(output.current)")
    }

    var log: String { output.current }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits (bounded) for exit; nil if it is still running.
    func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            signal(SIGKILL)
            process.waitUntilExit()
        }
    }
}

@Suite struct ProcessLifecycleTests {
    @Test func sigtermDrainsThenExitsZero() throws {
        let repository = try RunningService.defaultRepository()
        let data = NSTemporaryDirectory() + "riskd-proc-" + UUID().uuidString
        let riskd = try RiskdProcess(environment: [
            "RISKD_MODELS_DIR": repository.root, "RISKD_DATA_DIR": data, "RISKD_DRAIN_DELAY": "1",
        ])
        #expect(try httpRequest(port: riskd.port, "GET", "/readyz").status == 200)
        riskd.signal(SIGTERM)
        // During the drain delay readiness fails but the listener still answers.
        let deadline = Date().addingTimeInterval(5)
        var ready = 200
        while ready == 200, Date() < deadline {
            ready = (try? httpRequest(port: riskd.port, "GET", "/readyz").status) ?? 0
        }
        #expect(ready == 503)
        #expect(try httpRequest(port: riskd.port, "GET", "/livez").status == 200)
        #expect(riskd.waitForExit(timeout: 15) == 0)
        #expect(riskd.log.contains("riskd stopped"))
    }

    /// Pages are accepted only once fsynced to the outbox: killing riskd with SIGKILL while PagerDuty is
    /// failing loses none of them; the restarted process delivers every one.
    @Test func sigkillMidDeliveryLosesNoPage() throws {
        let healthy = Box(false)
        let pagerDuty = try FakeUpstream { _, _ in
            healthy.current ? .respond(status: 202, body: "{}") : .respond(status: 500, body: "down")
        }
        defer { pagerDuty.stop() }
        let repository = try RunningService.defaultRepository()
        let data = NSTemporaryDirectory() + "riskd-proc-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try Data("routing-key-0123456789abcdef".utf8).write(to: URL(fileURLWithPath: data + "/pd-key"))
        let policy = data + "/policy.json"
        try Data(#"{"suppression": {"cooldown_seconds": 0, "max_pages_per_window": 1000}}"#.utf8).write(
            to: URL(fileURLWithPath: policy))
        let environment = [
            "RISKD_MODELS_DIR": repository.root, "RISKD_DATA_DIR": data, "RISKD_CONFIG": policy,
            "RISKD_PAGERDUTY_URL": pagerDuty.baseURL, "RISKD_PAGERDUTY_ROUTING_KEY_FILE": data + "/pd-key",
        ]
        let first = try RiskdProcess(environment: environment)
        let entities = (0..<20).map { "disk-\($0)" }
        for entity in entities {
            let response = try httpRequest(
                port: first.port, "POST", "/v1/entities/\(entity)/telemetry",
                headers: [("Content-Type", "application/json")],
                body: Array(
                    #"{"labels": {"cluster": "\#(entity)"}, "points": [{"metric": "temp", "timestamp": 100, "value": 3}, {"metric": "errors", "timestamp": 100, "value": 3}]}"#
                        .utf8))
            #expect(response.status == 200)
        }
        #expect(pagerDuty.waitForRequests(count: 1, timeout: 10))  // delivery under way, and failing
        first.signal(SIGKILL)
        #expect(first.waitForExit(timeout: 10) != nil)

        healthy.update { $0 = true }
        let second = try RiskdProcess(environment: environment)
        let deadline = Date().addingTimeInterval(30)
        var delivered: Set<String> = []
        while delivered.count < entities.count, Date() < deadline {
            delivered = Set(
                pagerDuty.requests.compactMap { request -> String? in
                    guard let event = try? JSONParser().parse(request.body), event["event_action"] == "trigger" else {
                        return nil
                    }
                    return event["dedup_key"]?.stringValue
                })
            if delivered.count < entities.count { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(delivered == Set(entities.map { "riskd/disk/\($0)" }))
        second.signal(SIGTERM)
        _ = second.waitForExit(timeout: 40)
    }
}
