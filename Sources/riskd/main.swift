import Dispatch
import Foundation
import Log
import ModelTools
import RiskService

// riskd's entry point: parse flags and environment, start the service, and turn signals into the
// graceful lifecycle Kubernetes expects (SIGTERM/SIGINT drain, SIGHUP reloads models).

let arguments = Array(CommandLine.arguments.dropFirst())

/// A one-shot subcommand: its report on stdout, problems on stderr, its status as the exit code.
func runSubcommand(_ run: ([String], (String) -> Void, (String) -> Void) -> Int32) -> Never {
    exit(
        run(
            Array(arguments.dropFirst()), { print($0, terminator: "") },
            { FileHandle.standardError.write(Data($0.utf8)) }))
}

switch arguments.first {
case "serve":
    break
case "model":
    runSubcommand(ModelCommand.run)
case "check-config":
    runSubcommand(ConfigurationCheck.run)
case "--version", "version":
    print("riskd \(riskdVersion)")
    exit(0)
case "--help", "-h", "help", nil:
    print(
        "riskd \(riskdVersion): failure-risk prediction service\n\ncommands:\n  serve         run the HTTP service\n"
            + "  model         validate or publish a model version (riskd model --help)\n"
            + "  check-config  check policy, tokens and secret files as serve reads them\n")
    print(ServiceOption.usage)
    exit(arguments.first == nil ? 2 : 0)
case let other?:
    FileHandle.standardError.write(Data("riskd: unknown command \(other) (try riskd --help)\n".utf8))
    exit(2)
}
if arguments.contains("--help") {
    print(ServiceOption.usage)
    exit(0)
}

let configuration: ServiceConfiguration
do {
    configuration = try ServiceConfiguration.resolve(
        arguments: Array(arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("riskd: \(error)\n".utf8))
    exit(2)
}

let logger = Logger(label: "riskd", level: configuration.logLevel)
let service: RiskService
do {
    service = try RiskService(configuration: configuration, logger: logger)
    try service.start()
} catch {
    logger.error("riskd failed to start", ["error": .string("\(error)")])
    exit(1)
}

SignalLoop.run(service: service, drainDelay: configuration.drainDelay, logger: logger)
