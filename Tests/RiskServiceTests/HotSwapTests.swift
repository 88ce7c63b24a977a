import Foundation
import JSON
import RiskdTesting
import Synchronization
import Testing

@Suite struct HotSwapTests {
    /// 50 new versions are loaded and swapped in while clients predict without pause: no request may
    /// fail, and the versions answering must advance.
    @Test func fiftySwapsUnderContinuousLoadDropNothing() throws {
        let running = try RunningService()
        let stop = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        let served = Mutex<Set<String>>([])
        let requests = Atomic<Int>(0)
        let group = DispatchGroup()
        let port = running.port
        for _ in 0..<3 {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let client = try? TestHTTPClient(port: port) else {
                    failures.withLock { $0.append("connect") }
                    return
                }
                defer { client.close() }
                let body = Array(#"{"instances": [{"features": {"a": 1, "b": 1}}]}"#.utf8)
                while !stop.load(ordering: .relaxed) {
                    do {
                        let response = try client.request(
                            "POST", "/v1/models/disk/predict", headers: [("Content-Type", "application/json")],
                            body: body)
                        requests.wrappingAdd(1, ordering: .relaxed)
                        if response.status != 200 {
                            failures.withLock { $0.append("\(response.status) \(response.text)") }
                        } else if let version = try? response.json()["version"]?.stringValue {
                            _ = served.withLock { $0.insert(version) }
                        }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                        return
                    }
                }
            }.start()
        }
        for version in 2...51 {
            try running.repository.addLinearVersion(
                "disk", version: version, coefficients: [1, Double(version)], manifest: RunningService.fullManifest)
            let summary = running.service.registry.reload()
            #expect(summary.failed.isEmpty)
            #expect(running.service.registry.snapshot.models["disk"]?.serving?.version == version)
            // Let traffic run on every version before the next swap (bounded wait).
            let target = requests.load(ordering: .relaxed) + 5
            let deadline = Date().addingTimeInterval(5)
            while requests.load(ordering: .relaxed) < target, Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
        }
        stop.store(true, ordering: .relaxed)
        #expect(group.wait(timeout: .now() + 30) == .success)
        #expect(failures.withLock { $0 } == [])
        #expect(requests.load(ordering: .relaxed) >= 250)
        #expect(served.withLock { $0.count } > 25)
    }
}
