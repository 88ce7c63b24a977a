// swift-tools-version:6.0
// Inference benchmark: riskd's native tree evaluation vs xgboost inplace_predict and treelite GTIL (run.py).
import PackageDescription

let package = Package(
    name: "riskd-inference-bench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "riskd", path: "../..")],
    targets: [
        .executableTarget(
            name: "InferenceBench",
            dependencies: [.product(name: "RiskdInference", package: "riskd")]),
    ],
    swiftLanguageModes: [.v6]
)
