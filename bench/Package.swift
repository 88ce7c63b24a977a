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
    ],
    swiftLanguageModes: [.v6]
)
