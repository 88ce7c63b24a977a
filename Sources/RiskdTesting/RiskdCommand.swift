import Foundation

/// Runs the real `riskd` executable (built next to the test bundle) as a one-shot command, such as
/// `riskd model validate` or `riskd check-config`, and captures what it printed and its exit status.
public struct RiskdCommand: Sendable {
    public let status: Int32
    public let output: String
    public let errors: String

    /// Where `swift build` put `riskd`: next to the test bundle.
    public static var executable: String? {
        let directories = [
            Bundle.main.executableURL?.deletingLastPathComponent().path,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
        ].compactMap { $0 }
        return directories.map { $0 + "/riskd" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `riskd <arguments>` with `environment` added to this process's; a command still running after
    /// `timeout` seconds is killed and reported as status -1, so a hung command fails its test instead of
    /// hanging the suite.
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 60) throws
        -> RiskdCommand
    {
        guard let executable else { throw RiskdCommandError(description: "riskd is not built next to the tests") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let directory = NSTemporaryDirectory() + "riskd-command-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Files, not pipes: a command printing more than a pipe buffer cannot block on a reader.
        FileManager.default.createFile(atPath: directory + "/out", contents: nil)
        FileManager.default.createFile(atPath: directory + "/err", contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/out"))
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/err"))
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let timedOut = process.isRunning
        if timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try output.close()
        try errors.close()
        func text(_ name: String) -> String {
            String(decoding: FileManager.default.contents(atPath: directory + "/" + name) ?? Data(), as: UTF8.self)
        }
        return RiskdCommand(
            status: timedOut ? -1 : process.terminationStatus, output: text("out"), errors: text("err"))
    }
}

/// The command could not be started.
public struct RiskdCommandError: Error, CustomStringConvertible {
    public let description: String
}
