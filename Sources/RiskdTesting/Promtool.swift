import Foundation

/// Runs Prometheus's own linter on an exposition, so metrics tests check against the real parser
/// rather than our idea of the format. `promtool` comes from Debian's `prometheus` package.
public enum Promtool {
    public static var path: String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `promtool check metrics` on `exposition`: its exit status and what it printed.
    public static func checkMetrics(_ exposition: [UInt8], promtool: String) throws -> (status: Int32, report: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(exposition))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, report)
    }
}
