// swift-tools-version:6.0
// riskd: failure-risk prediction service. No package dependencies by design (see README and DESIGN.md):
// the HTTP server is our own, outbound HTTP is libcurl, HMAC/SHA-256 come from libcrypto.
import PackageDescription

let package = Package(
    name: "riskd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "riskd", targets: ["riskd"]),
        // Libraries for the benchmark package in bench/, which measures modules in isolation.
        .library(name: "RiskdInference", targets: ["Inference", "JSON"]),
        .library(name: "RiskdFeatures", targets: ["Features"]),
        .library(name: "RiskdHTTPServer", targets: ["HTTPServer", "HTTPCore", "HTTPRouting"]),
        .library(name: "RiskdStorage", targets: ["Storage", "RiskdTesting"]),
    ],
    targets: [
        // C shims and system libraries.
        .target(name: "CLinux"),
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CPostgres", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),

        // Pure leaves: Foundation/Synchronization only.
        .target(name: "JSON"),
        .target(name: "TimeFormat"),
        .target(name: "HTTPCore", dependencies: ["TimeFormat"]),
        .target(name: "Log", dependencies: ["JSON", "TimeFormat"]),
        .target(name: "Metrics"),
        .target(name: "Inference", dependencies: ["JSON"]),
        .target(name: "Features"),
        // The model manifest and its one parser, shared by the server (Registry, Monitoring) and the CLI.
        .target(name: "ModelSpec", dependencies: ["JSON", "Features", "Inference"]),

        // Platform and integration layers.
        .target(name: "HTTPServer", dependencies: ["HTTPCore", "CLinux", "Log", "Metrics"]),
        .target(name: "HTTPRouting", dependencies: ["HTTPCore", "HTTPServer", "Log", "Metrics"]),
        .target(name: "SystemIO"),
        .target(name: "Storage", dependencies: ["CSQLite", "CPostgres", "SystemIO", "JSON", "Features"]),
        .target(name: "Crypto", dependencies: ["CCrypto"]),
        .target(
            name: "Registry",
            dependencies: ["Inference", "ModelSpec", "Crypto", "JSON", "Log", "Metrics", "TimeFormat", "SystemIO"]),
        .target(name: "Monitoring", dependencies: ["JSON", "Metrics", "SystemIO", "ModelSpec"]),
        .target(name: "Outbound", dependencies: ["CCurl", "Log"]),
        // `riskd model validate|publish`: the registry's own loader and the manifest's parser, no server.
        .target(name: "ModelTools", dependencies: ["Registry", "ModelSpec", "JSON", "Crypto", "SystemIO"]),
        // PromQL feature sources: instant queries over Outbound, response decoding, rows per entity.
        .target(name: "PrometheusSource", dependencies: ["Outbound", "JSON", "SystemIO"]),
        // Pure domain: scoring a batch, calibration, tiers and fallback; no HTTP types.
        .target(name: "RiskCore", dependencies: ["Registry", "ModelSpec", "Inference", "JSON"]),
        .target(
            name: "Alerting", dependencies: ["Outbound", "Crypto", "JSON", "Log", "Metrics", "Storage", "SystemIO"]),
        .target(
            name: "RiskService",
            dependencies: [
                "HTTPServer", "HTTPCore", "HTTPRouting", "JSON", "Registry", "RiskCore", "Features", "Inference",
                "Monitoring", "Alerting", "Storage", "SystemIO", "Crypto", "Log", "Metrics", "TimeFormat", "ModelSpec",
                "PrometheusSource",
            ],
            plugins: ["EmbedOpenAPI"]),
        // Build tool: openapi.yaml at the root becomes Swift source in RiskService (served at /openapi.yaml).
        .executableTarget(name: "OpenAPIEmbedder"),
        .plugin(name: "EmbedOpenAPI", capability: .buildTool(), dependencies: ["OpenAPIEmbedder"]),
        // Test support: raw-socket client, local fake upstream servers on port 0.
        .target(name: "RiskdTesting", dependencies: ["HTTPServer", "HTTPCore", "JSON", "CLinux"]),
        .executableTarget(name: "riskd", dependencies: ["RiskService", "ModelTools", "HTTPServer", "Log"]),

        // Tests mirror the modules one to one.
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "TimeFormatTests", dependencies: ["TimeFormat"]),
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore"]),
        .testTarget(name: "LogTests", dependencies: ["Log"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"]),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "JSON"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ModelSpecTests", dependencies: ["ModelSpec", "JSON", "Inference", "Features"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTPRouting", "RiskdTesting"]),
        .testTarget(name: "HTTPRoutingTests", dependencies: ["HTTPRouting", "HTTPCore"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "SystemIOTests", dependencies: ["SystemIO"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Features", "RiskdTesting"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "ModelSpec", "RiskdTesting"]),
        .testTarget(
            name: "MonitoringTests", dependencies: ["Monitoring", "ModelSpec"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "ModelToolsTests", dependencies: ["ModelTools", "Registry", "RiskdTesting", "Crypto", "JSON"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "OutboundTests", dependencies: ["Outbound", "RiskdTesting"]),
        .testTarget(name: "PrometheusSourceTests", dependencies: ["PrometheusSource", "JSON", "RiskdTesting"]),
        .testTarget(name: "RiskCoreTests", dependencies: ["RiskCore", "Registry", "RiskdTesting", "Log", "Metrics"]),
        .testTarget(name: "AlertingTests", dependencies: ["Alerting", "Storage", "RiskdTesting"]),
        .testTarget(
            name: "RiskServiceTests", dependencies: ["RiskService", "RiskdTesting", "Crypto", "ModelSpec"],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
