import Foundation

/// A server binary a test starts on 127.0.0.1 (Prometheus, Alertmanager): a temporary directory for its
/// configuration and data, a free port, and a bounded wait until it answers; stopped and cleaned up when
/// released. The wrappers around it only write their configuration and name their flags.
final class LocalServerProcess {
    let directory: String
    private(set) var port = 0
    private let process = Process()

    /// Creates the temporary directory (`<name>-<uuid>`) the caller writes its configuration into.
    init(name: String) throws {
        directory = NSTemporaryDirectory() + name + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// The first of `candidates` that is an executable file, if any.
    static func executable(_ candidates: [String]) -> String? {
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Picks a free port, runs `executable` with `arguments(port)` and returns once `GET readyPath`
    /// answers 200; throws if that takes longer than `timeout` or the process exits first.
    func start(
        _ executable: String, arguments: (Int) -> [String], readyPath: String, timeout: TimeInterval
    ) throws {
        port = try TestSocket.freeLoopbackPort()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments(port)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning {
            if (try? httpRequest(port: port, "GET", readyPath).status) == 200 { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let name = URL(fileURLWithPath: executable).lastPathComponent
        throw TestHTTPError.malformed("\(name) did not become ready on port \(port)")
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
