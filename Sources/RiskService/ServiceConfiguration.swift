import Foundation
import HTTPServer
import Log
import Registry

/// Everything `riskd serve` needs, resolved from flags, their environment twins and defaults.
/// Parsing is strict: an unknown flag or a malformed number stops start-up with a message rather than
/// serving with a setting the operator did not ask for.
public struct ServiceConfiguration: Sendable {
    public var server = HTTPServerConfiguration()
    public var registry: RegistryConfiguration
    public var dataDirectory = "data"
    public var policyFile: String?
    public var tokensFile: String?
    public var logLevel: LogLevel = .info
    public var drainDelay: Double = 5
    public var gracePeriod: Double = 25
    public var authenticateProbes = false
    public var maxEntities = 100_000
    public var entityIdleTTL: Double = 86_400
    public var maxTelemetryBytes = 96 << 20
    public var maxClockSkew: Double = 300
    public var maxOutcomesPerRequest = 1_000
    public var pagerDutyURL = "https://events.pagerduty.com"
    public var pagerDutyRoutingKeyFile: String?
    public var pagerDutyWebhookSecretsFile: String?
    public var predictionLogRetention: Double = 604_800
    /// `--state-url`; nil means `sqlite://<data-dir>/riskd.db`.
    public var stateURL: String?
    /// Predictions kept in the state store for the outcome join: at most this old, and this many bytes.
    public var predictionStoreRetention: Double = 691_200
    public var predictionStoreBytes = 16 << 30
    public var predictionLogSampleRate = 0.01
    public var predictionLogMaxBytes = 256 << 20
    /// `--prometheus-url`: where the policy's `prometheus_sources` are evaluated; nil turns them off.
    public var prometheusURL: String?
    public var prometheusTimeout: Double = 10
    public var prometheusMaxSeries = 10_000
    public var prometheusConcurrency = 4

    public init(modelsDirectory: String) {
        registry = RegistryConfiguration(directory: modelsDirectory)
    }

    /// Why the command line or environment could not be used.
    public struct Error: Swift.Error, CustomStringConvertible {
        public let description: String
    }

    /// Resolves `arguments` (after `serve`) over `environment` over the defaults.
    public static func resolve(arguments: [String], environment: [String: String]) throws(Error) -> Self {
        var values: [String: String] = [:]
        for option in ServiceOption.all {
            if let value = option.defaultValue { values[option.flag] = value }
            if let value = environment[option.environment] { values[option.flag] = value }
        }
        var index = 0
        while index < arguments.count {
            var argument = arguments[index]
            guard argument.hasPrefix("--") else { throw Error(description: "unexpected argument \(argument)") }
            argument.removeFirst(2)
            var value: String?
            if let equals = argument.firstIndex(of: "=") {
                value = String(argument[argument.index(after: equals)...])
                argument = String(argument[..<equals])
            }
            guard ServiceOption.all.contains(where: { $0.flag == argument }) else {
                throw Error(description: "unknown flag --\(argument) (see riskd serve --help)")
            }
            if value == nil {
                index += 1
                guard index < arguments.count else { throw Error(description: "--\(argument) needs a value") }
                value = arguments[index]
            }
            values[argument] = value
            index += 1
        }
        return try Self(values: values)
    }

    private init(values: [String: String]) throws(Error) {
        self.init(modelsDirectory: values["models-dir"] ?? "models")
        server.host = values["host"] ?? server.host
        server.port = try Self.integer(values, "port", in: 0...65_535) ?? server.port
        if let loops = try Self.integer(values, "event-loops", in: 1...256) { server.eventLoopCount = loops }
        server.maxConnections = try Self.integer(values, "max-connections", in: 1...1_000_000) ?? server.maxConnections
        server.maxBodyBytes = try Self.integer(values, "max-body-bytes", in: 1_024...(1 << 30)) ?? server.maxBodyBytes
        server.maxInflightBodyBytes =
            try Self.integer(values, "max-inflight-body-bytes", in: 65_536...(1 << 40)) ?? server.maxInflightBodyBytes
        server.probePort = try Self.integer(values, "probe-port", in: 0...65_535)
        server.headerReadTimeout = try Self.seconds(values, "header-timeout") ?? server.headerReadTimeout
        server.idleTimeout = try Self.seconds(values, "idle-timeout") ?? server.idleTimeout
        server.bodyReadTimeout = try Self.seconds(values, "body-timeout") ?? server.bodyReadTimeout
        dataDirectory = values["data-dir"] ?? dataDirectory
        policyFile = values["config"].flatMap { $0.isEmpty ? nil : $0 }
        tokensFile = values["tokens-file"].flatMap { $0.isEmpty ? nil : $0 }
        if let level = values["log-level"] {
            guard let parsed = LogLevel(name: level) else {
                throw Error(description: "--log-level: unknown level \(level)")
            }
            logLevel = parsed
        }
        drainDelay = try Self.seconds(values, "drain-delay") ?? drainDelay
        gracePeriod = try Self.seconds(values, "grace-period") ?? gracePeriod
        registry.pollInterval = try Self.seconds(values, "poll-interval") ?? registry.pollInterval
        if let policy = values["version-policy"] { registry.defaultPolicy = try Self.versionPolicy(policy) }
        if let required = values["required-models"], !required.isEmpty {
            registry.requiredModels = required.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        authenticateProbes = try Self.boolean(values, "auth-probes") ?? false
        maxEntities = try Self.integer(values, "max-entities", in: 1...100_000_000) ?? maxEntities
        entityIdleTTL = try Self.seconds(values, "entity-idle-ttl") ?? entityIdleTTL
        maxTelemetryBytes =
            try Self.integer(values, "max-telemetry-bytes", in: 65_536...(1 << 40)) ?? maxTelemetryBytes
        maxClockSkew = try Self.seconds(values, "max-clock-skew") ?? maxClockSkew
        maxOutcomesPerRequest =
            try Self.integer(values, "max-outcomes-per-request", in: 1...1_000_000) ?? maxOutcomesPerRequest
        pagerDutyURL = values["pagerduty-url"] ?? pagerDutyURL
        pagerDutyRoutingKeyFile = values["pagerduty-routing-key-file"].flatMap { $0.isEmpty ? nil : $0 }
        pagerDutyWebhookSecretsFile = values["pagerduty-webhook-secrets-file"].flatMap { $0.isEmpty ? nil : $0 }
        predictionLogRetention = try Self.seconds(values, "prediction-log-retention") ?? predictionLogRetention
        stateURL = values["state-url"].flatMap { $0.isEmpty ? nil : $0 }
        predictionStoreRetention = try Self.seconds(values, "prediction-store-retention") ?? predictionStoreRetention
        predictionStoreBytes =
            try Self.integer(values, "prediction-store-bytes", in: 1_048_576...(1 << 50)) ?? predictionStoreBytes
        if let text = values["prediction-log-sample-rate"], !text.isEmpty {
            guard let rate = Double(text), (0...1).contains(rate) else {
                throw Error(description: "--prediction-log-sample-rate: expected a number in 0...1")
            }
            predictionLogSampleRate = rate
        }
        predictionLogMaxBytes =
            try Self.integer(values, "prediction-log-max-bytes", in: 4_096...(1 << 50)) ?? predictionLogMaxBytes
        prometheusURL = values["prometheus-url"].flatMap { $0.isEmpty ? nil : $0 }
        if let url = prometheusURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw Error(description: "--prometheus-url: expected an http:// or https:// URL (got \(url))")
        }
        if let timeout = try Self.seconds(values, "prometheus-timeout") {
            guard timeout >= 0.1, timeout <= 300 else {
                throw Error(description: "--prometheus-timeout: expected 0.1 to 300 seconds")
            }
            prometheusTimeout = timeout
        }
        prometheusMaxSeries =
            try Self.integer(values, "prometheus-max-series", in: 1...1_000_000) ?? prometheusMaxSeries
        prometheusConcurrency =
            try Self.integer(values, "prometheus-concurrency", in: 1...64) ?? prometheusConcurrency
    }

    static func versionPolicy(_ text: String) throws(Error) -> VersionPolicy {
        if text == "all" { return .all }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "latest", let count = Int(parts[1]), count > 0 { return .latest(count) }
        if parts.count == 2, parts[0] == "specific" {
            let versions = parts[1].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
            if !versions.isEmpty { return .specific(Set(versions)) }
        }
        throw Error(description: "--version-policy: expected latest:N, all or specific:1,2 (got \(text))")
    }

    private static func integer(_ values: [String: String], _ flag: String, in range: ClosedRange<Int>) throws(Error)
        -> Int?
    {
        guard let text = values[flag], !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Error(description: "--\(flag): expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    private static func seconds(_ values: [String: String], _ flag: String) throws(Error) -> Double? {
        guard let text = values[flag], !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0, value <= 31_536_000 else {
            throw Error(description: "--\(flag): expected seconds (a non-negative number)")
        }
        return value
    }

    private static func boolean(_ values: [String: String], _ flag: String) throws(Error) -> Bool? {
        guard let text = values[flag], !text.isEmpty else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw Error(description: "--\(flag): expected true or false")
        }
    }
}
