import Foundation
import JSON
import RiskdTesting
import Testing

/// The shipped Kubernetes configuration must start riskd: the manifests are rendered with kustomize (the
/// `kubectl kustomize` built into kubectl, or a standalone `kustomize`), every ConfigMap and Secret the
/// Deployment mounts is written where the pod would see it (below a temporary root), and the real riskd
/// binary is started with the container's args and env, paths moved into that root. /readyz must turn 200.
@Suite struct KubernetesDeploymentTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs a program found on PATH with a bounded wait and returns its standard output.
    static func run(_ arguments: [String], input: Data = Data(), timeout: Double = 60) throws -> Data {
        let scratch = NSTemporaryDirectory() + "riskd-run-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try input.write(to: URL(fileURLWithPath: scratch + "/in"))
        FileManager.default.createFile(atPath: scratch + "/out", contents: nil)
        FileManager.default.createFile(atPath: scratch + "/err", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: scratch + "/in"))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/err"))
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        let error = FileManager.default.contents(atPath: scratch + "/err") ?? Data()
        try #require(
            process.terminationStatus == 0,
            "\(arguments.joined(separator: " ")) failed: \(String(decoding: error, as: UTF8.self))")
        return FileManager.default.contents(atPath: scratch + "/out") ?? Data()
    }

    static func onPath(_ name: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }

    /// `kustomize build <layout>` (default `deploy/kubernetes`) as JSON documents (YAML converted by python3-yaml).
    static func renderedManifests(_ layout: String = "deploy/kubernetes") throws -> [JSONValue] {
        let directory = repositoryRoot + "/" + layout
        let render: [String]
        if onPath("kustomize") {
            render = ["kustomize", "build", directory]
        } else {
            try #require(onPath("kubectl"), "kustomize or kubectl (with built-in kustomize) is needed")
            render = ["kubectl", "kustomize", directory]
        }
        let yaml = try run(render)
        let toJSON = "import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)"
        let json = try run(["python3", "-c", toJSON], input: yaml)
        return try #require(try JSONParser().parse([UInt8](json)).arrayValue)
    }

    static func resource(_ documents: [JSONValue], kind: String, name: String) -> JSONValue? {
        documents.first { $0["kind"]?.stringValue == kind && $0["metadata"]?["name"]?.stringValue == name }
    }

    /// Writes the files of one mounted volume (ConfigMap `data`, Secret `stringData`/`data`) into `directory`.
    static func materialize(_ volume: JSONValue, from documents: [JSONValue], into directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files: [(String, Data)] = []
        var mode = 0o644
        if let name = volume["configMap"]?["name"]?.stringValue {
            let configMap = try #require(resource(documents, kind: "ConfigMap", name: name), "ConfigMap \(name)")
            for (key, value) in configMap["data"]?.objectValue ?? [:] {
                files.append((key, Data(try #require(value.stringValue).utf8)))
            }
        } else if let name = volume["secret"]?["secretName"]?.stringValue {
            let secret = try #require(resource(documents, kind: "Secret", name: name), "Secret \(name)")
            for (key, value) in secret["stringData"]?.objectValue ?? [:] {
                files.append((key, Data(try #require(value.stringValue).utf8)))
            }
            for (key, value) in secret["data"]?.objectValue ?? [:] {
                files.append((key, try #require(Data(base64Encoded: value.stringValue ?? ""), "Secret data \(key)")))
            }
            mode = volume["secret"]?["defaultMode"]?.intValue ?? 0o644
        } else {
            try #require(volume["emptyDir"] != nil, "unsupported volume \(volume)")
        }
        for (key, contents) in files {
            let path = directory + "/" + key
            try contents.write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
    }

    @Test(arguments: [("deploy/kubernetes", "Deployment"), ("deploy/overlays/single-node", "StatefulSet")])
    func shippedManifestsStartRiskdAndItBecomesReady(layout: String, workloadKind: String) throws {
        try Self.startPod(of: layout, workloadKind: workloadKind)
    }

    /// The PostgreSQL layout: the Deployment takes `RISKD_STATE_URL` and `PGPASSWORD` from the
    /// `riskd-state` Secret. The Secret's URL names the cluster's database, so the test points the
    /// rendered variable at a real local PostgreSQL and checks the rest of the configuration starts on it.
    @Test func postgresOverlayStartsRiskdOnASharedStore() throws {
        let database = try TestPostgres.freshDatabaseURL()
        try Self.startPod(
            of: "deploy/overlays/postgres", workloadKind: "Deployment",
            replacing: ["RISKD_STATE_URL": database]
        ) { log in
            #expect(log.contains("postgres://"), "riskd reports the shared store it restored from: \(log)")
        }
    }

    /// Renders `layout`, writes every mounted ConfigMap and Secret below a temporary root (a volume claim
    /// becomes an empty directory), starts riskd with the workload's args and env (`replacing` overrides
    /// rendered variables that name cluster services) and expects /readyz 200 and the Secret's tokens.
    static func startPod(
        of layout: String, workloadKind: String, replacing overrides: [String: String] = [:],
        checkLog: (String) -> Void = { _ in }
    ) throws {
        let documents = try renderedManifests(layout)
        let workload = try #require(documents.first { $0["kind"]?.stringValue == workloadKind }, "\(workloadKind)")
        let claims = workload["spec"]?["volumeClaimTemplates"]?.arrayValue ?? []
        let pod = try #require(workload["spec"]?["template"]?["spec"])
        let container = try #require(pod["containers"]?.arrayValue?.first)
        #expect(container["command"] == nil, "the image's ENTRYPOINT runs riskd")
        let root = NSTemporaryDirectory() + "riskd-pod-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }

        let mounts = container["volumeMounts"]?.arrayValue ?? []
        let volumes = pod["volumes"]?.arrayValue ?? []
        for mount in mounts {
            let path = root + (mount["mountPath"]?.stringValue ?? "")
            if claims.contains(where: { $0["metadata"]?["name"] == mount["name"] }) {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                continue
            }
            let volume = try #require(volumes.first { $0["name"] == mount["name"] }, "volume \(mount)")
            try materialize(volume, from: documents, into: path)
        }

        var environment: [String: String] = [:]
        for source in container["envFrom"]?.arrayValue ?? [] {
            let name = try #require(source["configMapRef"]?["name"]?.stringValue, "only configMapRef envFrom")
            let configMap = try #require(resource(documents, kind: "ConfigMap", name: name))
            for (key, value) in configMap["data"]?.objectValue ?? [:] { environment[key] = value.stringValue }
        }
        for variable in container["env"]?.arrayValue ?? [] {
            let name = try #require(variable["name"]?.stringValue)
            if let reference = variable["valueFrom"]?["secretKeyRef"] {
                let secretName = try #require(reference["name"]?.stringValue)
                let secret = try #require(resource(documents, kind: "Secret", name: secretName), "Secret \(secretName)")
                let key = try #require(reference["key"]?.stringValue)
                environment[name] = try #require(secret["stringData"]?[key]?.stringValue, "\(secretName).\(key)")
            } else {
                environment[name] = try #require(variable["value"]?.stringValue, "env \(name) needs a value")
            }
        }
        for (name, value) in overrides {
            #expect(environment[name] != nil, "\(name) is set by the rendered configuration")
            environment[name] = value
        }
        // Paths inside mounted volumes move under the temporary root; the models are the image's copy of
        // the repository's models/ (Dockerfile: COPY models /opt/riskd/models).
        let mountPaths = mounts.compactMap { $0["mountPath"]?.stringValue }
        for (key, value) in environment where mountPaths.contains(where: { value.hasPrefix($0) }) {
            environment[key] = root + value
        }
        let dockerfile = try String(contentsOfFile: repositoryRoot + "/Dockerfile", encoding: .utf8)
        let modelsInImage = try #require(environment["RISKD_MODELS_DIR"])
        #expect(dockerfile.contains(" models \(modelsInImage)\n"))
        environment["RISKD_MODELS_DIR"] = repositoryRoot + "/models"
        environment["RISKD_HOST"] = "127.0.0.1"
        environment["RISKD_PORT"] = "0"
        #expect(environment["RISKD_TOKENS_FILE"]?.hasPrefix(root) == true)
        #expect(environment["RISKD_CONFIG"]?.hasPrefix(root) == true)

        let arguments = container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let riskd = try RiskdProcess(environment: environment, arguments: arguments, directory: root)
        let deadline = Date().addingTimeInterval(20)
        var ready = 0
        while ready != 200, Date() < deadline {
            ready = (try? httpRequest(port: riskd.port, "GET", "/readyz").status) ?? 0
            if ready != 200 { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(ready == 200, "\(riskd.log)")
        // The Secret's tokens were accepted, by name.
        let reader = [("Authorization", "Bearer PLACEHOLDER-read-token-CHANGE-ME")]
        #expect(try httpRequest(port: riskd.port, "GET", "/v1/models", headers: reader).status == 200)
        #expect(try httpRequest(port: riskd.port, "GET", "/v1/models").status == 401)
        #expect(!riskd.log.contains(#""level":"error""#), "\(riskd.log)")
        checkLog(riskd.log)
    }

    /// preStop is an exec sleep (runs on any Kubernetes version; `preStop.sleep` needs >= 1.30), and the
    /// pod's grace period covers it plus riskd's drain delay and grace period.
    @Test func terminationGraceCoversPreStopDrainAndGrace() throws {
        let documents = try Self.renderedManifests()
        let deployment = try #require(documents.first { $0["kind"] == "Deployment" })
        let pod = try #require(deployment["spec"]?["template"]?["spec"])
        let container = try #require(pod["containers"]?.arrayValue?.first)
        let preStop = try #require(container["lifecycle"]?["preStop"])
        #expect(preStop["sleep"] == nil)
        let command = preStop["exec"]?["command"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(command.first == "/bin/sleep")
        let sleep = try #require(command.last.flatMap { Double($0) })
        let settings = try #require(Self.resource(documents, kind: "ConfigMap", name: "riskd-env")?["data"])
        let drain = try #require(settings["RISKD_DRAIN_DELAY"]?.stringValue.flatMap { Double($0) })
        let grace = try #require(settings["RISKD_GRACE_PERIOD"]?.stringValue.flatMap { Double($0) })
        let budget = try #require(pod["terminationGracePeriodSeconds"]?.doubleValue)
        #expect(budget > sleep + drain + grace)
    }
}
