import Dispatch
import Foundation
import HTTPCore
import HTTPServer
import RiskdTesting
import Synchronization
import Testing

/// Keep-alive across bodies, pipelining and the drain that precedes a shutdown.
@Suite struct HTTPServerKeepAliveTests {
    static let bodyWithNewline = "{\"a\":\n1}"

    static func post(_ body: String) -> String {
        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    @Test func aBodyWithANewlineKeepsTheConnectionAlive() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        try client.send(Self.post(Self.bodyWithNewline))
        let first = try client.readResponse()
        #expect(first.status == 200)
        #expect(first.text == Self.bodyWithNewline)
        #expect(first.header("Connection") == nil)
        let second = try client.request("GET", "/items/2")
        #expect(second.status == 200)
        #expect(second.text == "item 2")
        // An Alertmanager-style body ends in a newline.
        #expect(try client.request("POST", "/echo", body: Array("{}\n".utf8)).text == "{}\n")
        #expect(try client.request("GET", "/items/3").text == "item 3")
    }

    @Test func pipelinedRequestsAfterABodyWithANewlineAreAllAnswered() throws {
        let server = try TestServer()
        let client = try TestHTTPClient(port: server.port)
        let get = "GET /items/1 HTTP/1.1\r\nHost: h\r\n\r\n"
        try client.send(Self.post(Self.bodyWithNewline) + get + Self.post("x\ny\n") + get)
        #expect(try client.readResponse().text == Self.bodyWithNewline)
        #expect(try client.readResponse().text == "item 1")
        #expect(try client.readResponse().text == "x\ny\n")
        let last = try client.readResponse()
        #expect(last.text == "item 1")
        #expect(last.header("Connection") == nil)
        #expect(!client.isClosedByPeer(within: 0.3))
    }

    /// Eight clients with established keep-alive connections keep sending through the drain window: every
    /// response then says `Connection: close`, each client reconnects, and no request goes unanswered.
    @Test func keepAliveClientsLoseNoRequestDuringTheDrainWindow() throws {
        let server = try TestServer()
        let port = server.port
        let clientCount = 8
        let requestsEach = 25
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        let tally = Tally()
        for _ in 0..<clientCount {
            finished.enter()
            Thread.detachNewThread {
                defer { finished.leave() }
                var client = try? TestHTTPClient(port: port)
                if (try? client?.request("GET", "/livez").status) != 200 { tally.lost.add(1, ordering: .relaxed) }
                ready.signal()
                go.wait()
                for index in 0..<requestsEach {
                    do {
                        if client == nil { client = try TestHTTPClient(port: port) }
                        let response = try client!.request("GET", "/slow/\(index % 3)")
                        guard response.status == 200 else { throw TestHTTPError.malformed("status") }
                        tally.answered.add(1, ordering: .relaxed)
                        if response.header("Connection") == "close" {
                            client?.close()
                            client = nil
                        } else {
                            tally.keptOpen.add(1, ordering: .relaxed)
                        }
                    } catch {
                        tally.lost.add(1, ordering: .relaxed)
                        client = nil
                    }
                }
            }
        }
        for _ in 0..<clientCount { #expect(ready.wait(timeout: .now() + 5) == .success) }
        server.server.beginDrain()
        for _ in 0..<clientCount { go.signal() }
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(tally.lost.load(ordering: .relaxed) == 0)
        #expect(tally.answered.load(ordering: .relaxed) == clientCount * requestsEach)
        #expect(tally.keptOpen.load(ordering: .relaxed) == 0)
    }

    @Test func aRequestThatRacesTheShutdownIsAnsweredNotReset() throws {
        let server = try TestServer { $0.eventLoopCount = 1 }
        let clients = try (0..<8).map { _ in try TestHTTPClient(port: server.port) }
        for client in clients { #expect(try client.request("GET", "/livez").status == 200) }
        // With the loop blocked, the shutdown is queued first and the requests arrive after it, so the
        // loop sees the shutdown while the requests sit unread in idle connections' socket buffers.
        let blocker = try server.blockLoop(milliseconds: 600)
        let stopped = DispatchSemaphore(value: 0)
        let stopping = server.server
        Thread.detachNewThread {
            stopping.shutdown(gracePeriod: 2)
            stopped.signal()
        }
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + .milliseconds(150))
        for client in clients { try client.send("GET /items/9 HTTP/1.1\r\nHost: h\r\n\r\n") }
        #expect(try blocker.readResponse().text == "blocked 600")
        for client in clients {
            let response = try client.readResponse()
            #expect(response.text == "item 9")
            #expect(response.header("Connection") == "close")
            #expect(client.isClosedByPeer(within: 2))
        }
        #expect(stopped.wait(timeout: .now() + 5) == .success)
    }

    @Test func idleConnectionsAreClosedAtShutdownAndNewOnesGetConnectionClose() throws {
        let server = try TestServer()
        let idle = try TestHTTPClient(port: server.port)
        #expect(try idle.request("GET", "/livez").header("Connection") == nil)
        server.server.beginDrain()
        let fresh = try TestHTTPClient(port: server.port)
        let response = try fresh.request("GET", "/livez")
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(fresh.isClosedByPeer(within: 2))
        // Still open during the drain window; closed once the shutdown begins.
        #expect(!idle.isClosedByPeer(within: 0.2))
        let stopping = server.server
        DispatchQueue.global().async { stopping.shutdown(gracePeriod: 2) }
        #expect(idle.isClosedByPeer(within: 3))
    }
}

/// Counters shared by the client threads of a test.
final class Tally: Sendable {
    let answered = Atomic<Int>(0)
    let lost = Atomic<Int>(0)
    let keptOpen = Atomic<Int>(0)
}
