// swift-tools-version:6.0
// Benchmarks for riskd, kept out of the main package so that release builds and tools stay separate.
import PackageDescription

let package = Package(
    name: "riskd-bench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "riskd", path: "..")],
    targets: [
        // A static-response server on riskd's HTTPServer, load-tested against nginx by http/run.py.
        .executableTarget(
            name: "HTTPStaticServer",
            dependencies: [.product(name: "RiskdHTTPServer", package: "riskd")]),
        // The state layer's cost: telemetry ingest with SQLite and PostgreSQL against in-memory only, and
        // what recording predictions for the outcome join costs the predict path (bench/state/run.sh).
        .executableTarget(
            name: "StateBench",
            dependencies: [
                .product(name: "RiskdFeatures", package: "riskd"), .product(name: "RiskdStorage", package: "riskd"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
