import Alerting
import Foundation
import HTTPCore
import RiskdTesting
import Storage
import Synchronization
import Testing

@Suite struct OutboxTests {
    private func bodies(_ upstream: FakeUpstream) -> [String] {
        upstream.requests.map { String(decoding: $0.body, as: UTF8.self) }
    }

    @Test func delivers202AndCompactsTheLog() throws {
        let fixture = OutboxFixture()
        let upstream = try FakeUpstream { _, _ in .respond(status: 202, body: #"{"status":"success"}"#) }
        defer { upstream.stop() }
        let outbox = try fixture.outbox()
        outbox.start()
        defer { outbox.stop(timeout: 5) }
        let event = testEvent(key: "k", number: 1, url: upstream.baseURL + "/v2/enqueue")
        try outbox.enqueue(event)
        #expect(eventually { outbox.pendingCount == 0 })
        let request = try #require(upstream.requests.first)
        #expect(request.path == "/v2/enqueue")
        #expect(request.body == event.body)
        #expect(request.headers["content-type"] == "application/json")
        #expect(fixture.counter("riskd_outbox_events_sent_total") == 1)
        #expect(fixture.registry.gauge("riskd_outbox_events_queued", help: "").current == 0)
        #expect(eventually { (try? FileManager.default.attributesOfItem(atPath: fixture.logPath)[.size] as? Int) == 0 })
    }

    @Test func retryAfterOn429IsHonoured() throws {
        let fixture = OutboxFixture()
        let arrivals = Mutex<[Date]>([])
        var headers = HTTPHeaders()
        headers.add("Retry-After", "1")
        let limited = HTTPResponse(status: HTTPStatus(code: 429), headers: headers, body: Array("{}".utf8))
        let upstream = try FakeUpstream { _, index in
            arrivals.withLock { $0.append(Date()) }
            return index == 0 ? .delay(seconds: 0, then: limited) : .respond(status: 202, body: "{}")
        }
        defer { upstream.stop() }
        let outbox = try fixture.outbox()
        outbox.start()
        defer { outbox.stop(timeout: 5) }
        try outbox.enqueue(testEvent(key: "k", number: 1, url: upstream.baseURL))
        #expect(eventually { outbox.pendingCount == 0 })
        let times = arrivals.withLock { $0 }
        #expect(times.count == 2)
        // The backoff alone would retry within 20 ms; the second attempt waited for Retry-After.
        #expect(times.count == 2 && times[1].timeIntervalSince(times[0]) >= 0.9)
        #expect(fixture.counter("riskd_outbox_retries_total") == 1)
    }

    @Test(arguments: [
        FakeUpstream.Behaviour.respond(status: 500, body: "{}"), .respond(status: 503, body: "{}"), .closeConnection,
        .delay(seconds: 3, then: HTTPResponse(status: HTTPStatus(code: 202))),
    ])
    func transientFailureIsRetriedUntilAccepted(first: FakeUpstream.Behaviour) throws {
        let fixture = OutboxFixture()
        let upstream = try FakeUpstream { _, index in index == 0 ? first : .respond(status: 202, body: "{}") }
        defer { upstream.stop() }
        let outbox = try fixture.outbox(fixture.configuration(requestTimeout: 0.3))
        outbox.start()
        defer { outbox.stop(timeout: 5) }
        try outbox.enqueue(testEvent(key: "k", number: 1, url: upstream.baseURL))
        #expect(eventually { outbox.pendingCount == 0 })
        #expect(upstream.requests.count == 2)
        #expect(fixture.counter("riskd_outbox_retries_total") == 1)
        #expect(fixture.counter("riskd_outbox_events_sent_total") == 1)
    }

    @Test func rejectedEventIsDeadLetteredAndTheKeyMovesOn() throws {
        let fixture = OutboxFixture()
        let upstream = try FakeUpstream { request, _ in
            String(decoding: request.body, as: UTF8.self).contains(#""n":1"#)
                ? .respond(status: 400, body: #"{"status":"invalid event"}"#) : .respond(status: 202, body: "{}")
        }
        defer { upstream.stop() }
        let outbox = try fixture.outbox()
        outbox.start()
        defer { outbox.stop(timeout: 5) }
        try outbox.enqueue(testEvent(key: "k", number: 1, url: upstream.baseURL))
        try outbox.enqueue(testEvent(key: "k", number: 2, url: upstream.baseURL))
        #expect(eventually { outbox.pendingCount == 0 })
        #expect(upstream.requests.count == 2)
        #expect(fixture.counter("riskd_outbox_dead_letters_total") == 1)
        let text = try String(contentsOfFile: outbox.deadLetterPath, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains(#""id":"k-1""#) == true)
        #expect(lines.first?.contains(#""reason":"http_400""#) == true)
    }

    @Test func deadLettersCarryNoSecretsAndEveryFileIsOwnerOnly() throws {
        let fixture = OutboxFixture()
        let upstream = try FakeUpstream { _, _ in .respond(status: 400, body: #"{"status":"invalid event"}"#) }
        defer { upstream.stop() }
        let outbox = try fixture.outbox()
        outbox.start()
        defer { outbox.stop(timeout: 5) }
        let routingKey = "R0UT1NGKEY0123456789abcdefabcdef"
        let url = "http://ops:hunter2@127.0.0.1:\(upstream.port)/v2/enqueue?token=T0KEN-SECRET&team=disks"
        try outbox.enqueue(
            OutboxEvent(
                id: "p-1", key: "riskd/disk/sda", url: url, headers: ["Content-Type": "application/json"],
                body: Array(
                    #"{"routing_key":"\#(routingKey)","event_action":"trigger","payload":{"custom_details":{"Token":"x-abc"}}}"#
                        .utf8)))
        #expect(eventually { fixture.counter("riskd_outbox_dead_letters_total") == 1 })
        let text = try String(contentsOfFile: outbox.deadLetterPath, encoding: .utf8)
        for secret in [routingKey, "hunter2", "T0KEN-SECRET", "x-abc"] {
            #expect(!text.contains(secret), "\(secret) leaked into the dead-letter file")
        }
        #expect(text.contains("event_action"))  // the rest stays inspectable
        #expect(text.contains("team=[redacted]"))
        for path in [outbox.deadLetterPath, fixture.logPath] {
            let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode & 0o777 == 0o600, "\(path): \(String(mode, radix: 8))")
        }
        let mode = try #require(
            FileManager.default.attributesOfItem(atPath: fixture.directory)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o700)
    }

    @Test func orderPerKeyHoldsUnderRetriesWhileOtherKeysProceed() throws {
        let fixture = OutboxFixture()
        let failuresLeft = Mutex(3)
        let upstream = try FakeUpstream { request, _ in
            let isA1 = String(decoding: request.body, as: UTF8.self) == #"{"key":"A","n":1}"#
            let fail =
                isA1
                && failuresLeft.withLock { left in
                    left -= 1
                    return left >= 0
                }
            return fail ? .respond(status: 500, body: "{}") : .respond(status: 202, body: "{}")
        }
        defer { upstream.stop() }
        let outbox = try fixture.outbox()
        for number in 1...3 { try outbox.enqueue(testEvent(key: "A", number: number, url: upstream.baseURL)) }
        for number in 1...2 { try outbox.enqueue(testEvent(key: "B", number: number, url: upstream.baseURL)) }
        outbox.start()
        defer { outbox.stop(timeout: 5) }
        #expect(eventually { outbox.pendingCount == 0 })
        let all = bodies(upstream)
        let a = all.filter { $0.contains(#""key":"A""#) }.map { $0.suffix(3) }
        let b = all.filter { $0.contains(#""key":"B""#) }.map { $0.suffix(3) }
        #expect(a == [#":1}"#, #":1}"#, #":1}"#, #":1}"#, #":2}"#, #":3}"#])
        #expect(b == [#":1}"#, #":2}"#])
        #expect(fixture.counter("riskd_outbox_retries_total") == 3)
    }

    @Test func restartDeliversEverythingNotAcked() throws {
        let fixture = OutboxFixture()
        let open = Atomic(false)
        let upstream = try FakeUpstream { request, _ in
            let first = String(decoding: request.body, as: UTF8.self).contains(#""n":1"#)
            return first || open.load(ordering: .relaxed)
                ? .respond(status: 202, body: "{}") : .respond(status: 503, body: "{}")
        }
        defer { upstream.stop() }
        let first = try fixture.outbox()
        for number in 1...3 { try first.enqueue(testEvent(key: "k", number: number, url: upstream.baseURL)) }
        first.start()
        #expect(eventually { first.pendingCount == 2 && upstream.requests.count >= 2 })
        #expect(first.stop(timeout: 5))

        let second = try fixture.outbox()
        #expect(second.pendingCount == 2)
        open.store(true, ordering: .relaxed)
        let before = upstream.requests.count
        second.start()
        defer { second.stop(timeout: 5) }
        #expect(eventually { second.pendingCount == 0 })
        let resent = bodies(upstream).dropFirst(before).map { $0.suffix(3) }
        #expect(resent == [#":2}"#, #":3}"#])
        #expect(bodies(upstream).filter { $0.contains(#""n":1"#) }.count == 1)
    }

    @Test func tornLastRecordIsIgnoredAndCutOff() throws {
        let fixture = OutboxFixture()
        let first = try fixture.outbox()
        try first.enqueue(testEvent(key: "k", number: 1, url: "http://127.0.0.1:9"))
        try first.enqueue(testEvent(key: "k", number: 2, url: "http://127.0.0.1:9"))
        first.stop(timeout: 1)
        let intactSize = try #require(FileManager.default.attributesOfItem(atPath: fixture.logPath)[.size] as? Int)
        // A crash mid-append: a length prefix promising more bytes than were written.
        let handle = try #require(FileHandle(forWritingAtPath: fixture.logPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([200, 0, 0, 0] + [UInt8](repeating: 7, count: 40)))
        try handle.close()

        let second = try fixture.outbox()
        #expect(second.pendingCount == 2)
        #expect(try FileManager.default.attributesOfItem(atPath: fixture.logPath)[.size] as? Int == intactSize)
        try second.enqueue(testEvent(key: "k", number: 3, url: "http://127.0.0.1:9"))
        second.stop(timeout: 1)
        #expect(try fixture.outbox().pendingCount == 3)
    }

    @Test func corruptLastRecordIsIgnored() throws {
        let fixture = OutboxFixture()
        let first = try fixture.outbox()
        try first.enqueue(testEvent(key: "k", number: 1, url: "http://127.0.0.1:9"))
        try first.enqueue(testEvent(key: "k", number: 2, url: "http://127.0.0.1:9"))
        first.stop(timeout: 1)
        var bytes = try #require(FileManager.default.contents(atPath: fixture.logPath))
        bytes[bytes.count - 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: fixture.logPath))
        #expect(try fixture.outbox().pendingCount == 1)
    }

    @Test func queueIsBoundedAndIDsUnique() throws {
        let fixture = OutboxFixture()
        let outbox = try fixture.outbox(fixture.configuration(capacity: 2))
        try outbox.enqueue(testEvent(key: "k", number: 1, url: "http://127.0.0.1:9"))
        #expect(throws: OutboxError.duplicateID("k-1")) {
            try outbox.enqueue(testEvent(key: "k", number: 1, url: "http://127.0.0.1:9"))
        }
        try outbox.enqueue(testEvent(key: "k", number: 2, url: "http://127.0.0.1:9"))
        #expect(throws: OutboxError.full(capacity: 2)) {
            try outbox.enqueue(testEvent(key: "k", number: 3, url: "http://127.0.0.1:9"))
        }
        #expect(fixture.registry.gauge("riskd_outbox_events_queued", help: "").current == 2)
    }

    @Test func oversizedEventIsRejected() throws {
        let fixture = OutboxFixture()
        var configuration = fixture.configuration()
        configuration.maxEventBytes = 1_000
        let outbox = try fixture.outbox(configuration)
        let event = OutboxEvent(key: "k", url: "http://127.0.0.1:9", body: [UInt8](repeating: 65, count: 2_000))
        #expect(throws: OutboxError.self) { try outbox.enqueue(event) }
        #expect(outbox.pendingCount == 0)
    }

    @Test func stoppedOutboxRejectsEvents() throws {
        let fixture = OutboxFixture()
        let outbox = try fixture.outbox()
        outbox.start()
        #expect(outbox.stop(timeout: 5))
        #expect(throws: OutboxError.stopped) {
            try outbox.enqueue(testEvent(key: "k", number: 1, url: "http://127.0.0.1:9"))
        }
    }
}

@Suite struct OutboxExclusivityTests {
    @Test func secondOutboxOnTheSameDirectoryIsRefusedUntilStopped() throws {
        let fixture = OutboxFixture()
        let first = try fixture.outbox()
        try first.enqueue(testEvent(key: "k", number: 1, url: "http://127.0.0.1:9"))
        #expect(throws: OutboxError.self) { try fixture.outbox() }
        #expect(first.stop(timeout: 1))
        #expect(try fixture.outbox().pendingCount == 1)
    }
}

@Suite struct OutboxConcurrencyTests {
    @Test func aHangingKeyDoesNotBlockOtherKeys() throws {
        let fixture = OutboxFixture()
        let upstream = try FakeUpstream { request, _ in
            String(decoding: request.body, as: UTF8.self).contains(#""key":"slow""#)
                ? .hang : .respond(status: 202, body: "{}")
        }
        defer { upstream.stop() }
        let outbox = try fixture.outbox(fixture.configuration(requestTimeout: 3))
        try outbox.enqueue(testEvent(key: "slow", number: 1, url: upstream.baseURL))
        try outbox.enqueue(testEvent(key: "fast", number: 1, url: upstream.baseURL))
        try outbox.enqueue(testEvent(key: "fast", number: 2, url: upstream.baseURL))
        outbox.start()
        defer { outbox.stop(timeout: 5) }
        // While the slow key's first attempt still hangs, both fast events are delivered.
        #expect(eventually(timeout: 2.5) { outbox.pendingCount == 1 })
        #expect(fixture.counter("riskd_outbox_events_sent_total") == 2)
    }

    @Test func deadLetterFileIsRotatedWhenFull() throws {
        let fixture = OutboxFixture()
        let upstream = try FakeUpstream { _, _ in .respond(status: 422, body: "{}") }
        defer { upstream.stop() }
        var configuration = fixture.configuration()
        configuration.maxDeadLetterBytes = 300
        let outbox = try fixture.outbox(configuration)
        for number in 1...4 { try outbox.enqueue(testEvent(key: "k", number: number, url: upstream.baseURL)) }
        outbox.start()
        defer { outbox.stop(timeout: 5) }
        #expect(eventually { outbox.pendingCount == 0 })
        let current = try String(contentsOfFile: outbox.deadLetterPath, encoding: .utf8)
        let rotated = try String(contentsOfFile: outbox.deadLetterPath + ".1", encoding: .utf8)
        #expect(current.utf8.count <= 300)
        #expect(current.contains(#""id":"k-4""#))
        #expect(rotated.contains(#""reason":"http_422""#))
        #expect(fixture.counter("riskd_outbox_dead_letters_total") == 4)
    }
}

@Suite struct OutboxGiveUpTests {
    @Test func retriesAreBoundedByMaxAttempts() throws {
        let fixture = OutboxFixture()
        let upstream = try FakeUpstream { _, _ in .respond(status: 500, body: "{}") }
        defer { upstream.stop() }
        var configuration = fixture.configuration()
        configuration.maxAttempts = 3
        let outbox = try fixture.outbox(configuration)
        try outbox.enqueue(testEvent(key: "k", number: 1, url: upstream.baseURL))
        outbox.start()
        defer { outbox.stop(timeout: 5) }
        #expect(eventually { outbox.pendingCount == 0 })
        #expect(upstream.requests.count == 3)
        #expect(fixture.counter("riskd_outbox_retries_total") == 2)
        let text = try String(contentsOfFile: outbox.deadLetterPath, encoding: .utf8)
        #expect(text.contains(#""reason":"retries_exhausted: http_500""#))
    }
}
