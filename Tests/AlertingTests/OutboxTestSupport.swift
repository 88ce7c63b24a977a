import Alerting
import Foundation
import Log
import Metrics
import Outbound
import Storage

/// A fresh outbox directory per test, removed afterwards, plus fast test timings (milliseconds).
struct OutboxFixture: ~Copyable {
    let directory: String
    let registry = MetricsRegistry()

    init() {
        directory = FileManager.default.temporaryDirectory.path + "/outbox-test-" + UUID().uuidString
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    var logPath: String { directory + "/" + Outbox.logFileName }

    func configuration(capacity: Int = 100, requestTimeout: Double = 2) -> OutboxConfiguration {
        var configuration = OutboxConfiguration(directory: directory)
        configuration.capacity = capacity
        configuration.workerCount = 2
        configuration.backoffBase = 0.005
        configuration.backoffMax = 0.02
        configuration.requestTimeout = requestTimeout
        return configuration
    }

    func outbox(_ configuration: OutboxConfiguration? = nil) throws -> Outbox {
        var clientConfiguration = HTTPClientConfiguration()
        clientConfiguration.connectTimeout = 1
        return try Outbox(
            configuration: configuration ?? self.configuration(),
            client: HTTPClient(configuration: clientConfiguration),
            metrics: registry, logger: Logger(label: "outbox-test", level: .critical))
    }

    func counter(_ name: String) -> UInt64 { registry.counter(name, help: "").current }
}

/// Polls `condition` until it holds or `timeout` seconds pass.
func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() > deadline { return false }
        usleep(2_000)
    }
    return true
}

func testEvent(key: String, number: Int, url: String) -> OutboxEvent {
    OutboxEvent(
        id: "\(key)-\(number)", key: key, url: url, headers: ["Content-Type": "application/json"],
        body: Array(#"{"key":"\#(key)","n":\#(number)}"#.utf8))
}
