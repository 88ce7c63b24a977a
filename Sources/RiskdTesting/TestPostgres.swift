import Foundation
import Synchronization

/// A real PostgreSQL server from Debian's packages for tests: `initdb` in a temporary directory,
/// `pg_ctl start` on 127.0.0.1 on a free port, stopped when the test process exits. PostgreSQL
/// refuses to run as root, so as root (CI) it runs as the unprivileged system user `riskdtest`,
/// created with `useradd` if missing. One server per test process; each test takes a fresh database.
/// Failing to start is an error (tests fail loudly), never a skip.
public final class TestPostgres: Sendable {
    public let port: Int
    public let directory: String
    let binaries: String
    let runAs: String?
    private let databases = Atomic<Int>(0)

    private static let shared = Mutex<Result<TestPostgres, TestPostgresError>?>(nil)

    /// The process-wide server, started on first use.
    public static func server() throws -> TestPostgres {
        try shared.withLock { slot in
            if let slot { return try slot.get() }
            let result = Result { () throws(TestPostgresError) in try TestPostgres() }
            slot = result
            if case .success = result { atexit { TestPostgres.stopShared() } }
            return try result.get()
        }
    }

    /// A new, empty database on the shared server: `postgres://riskd@127.0.0.1:<port>/<name>`.
    public static func freshDatabaseURL() throws -> String {
        let server = try server()
        let name = "t\(getpid())_\(server.databases.wrappingAdd(1, ordering: .relaxed).newValue)"
        try server.run("createdb", ["-h", "127.0.0.1", "-p", String(server.port), "-U", "riskd", name])
        return "postgres://riskd@127.0.0.1:\(server.port)/\(name)?connect_timeout=5"
    }

    private init() throws(TestPostgresError) {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard
            let version = versions.sorted(by: { Int($0) ?? 0 > Int($1) ?? 0 }).first(where: {
                FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb")
            })
        else {
            throw TestPostgresError("no /usr/lib/postgresql/*/bin/initdb: install Debian's postgresql (make deps)")
        }
        binaries = "/usr/lib/postgresql/\(version)/bin/"
        runAs = getuid() == 0 ? "riskdtest" : nil
        directory = NSTemporaryDirectory() + "riskd-pg-" + UUID().uuidString
        port = try Self.freePort()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TestPostgresError("cannot create \(directory): \(error)")
        }
        if let user = runAs {
            if (try? Self.execute("/usr/bin/id", ["-u", user])) == nil {
                try Self.execute("/usr/sbin/useradd", ["--system", "--no-create-home", "--shell", "/bin/false", user])
            }
            try Self.execute("/bin/chown", [user, directory])
        }
        try run("initdb", ["-D", directory + "/data", "-U", "riskd", "--auth=trust", "-E", "UTF8", "--no-sync"])
        try run(
            "pg_ctl",
            [
                "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60", "-o",
                "-h 127.0.0.1 -p \(port) -k \(directory) -F -c max_connections=200", "start",
            ])
    }

    private static func stopShared() {
        guard case .success(let server)? = shared.withLock({ $0 }) else { return }
        _ = try? server.run("pg_ctl", ["-D", server.directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: server.directory)
    }

    @discardableResult
    func run(_ tool: String, _ arguments: [String]) throws(TestPostgresError) -> String {
        if let runAs {
            // From `/`: the unprivileged user may not be allowed into the current directory.
            return try Self.execute(
                "/usr/sbin/runuser", ["-u", runAs, "--", "/usr/bin/env", "-C", "/", binaries + tool] + arguments)
        }
        return try Self.execute(binaries + tool, arguments)
    }

    /// Runs a tool to completion with `posix_spawn` and `waitpid`. Not Foundation's `Process`: it
    /// notices the exit through a descriptor that `pg_ctl start`'s daemon inherits, so it would wait
    /// for the server to stop. Output goes to a file (read back for the error message).
    @discardableResult
    static func execute(_ executable: String, _ arguments: [String]) throws(TestPostgresError) -> String {
        let outputPath = NSTemporaryDirectory() + "riskd-pg-output-" + UUID().uuidString
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw TestPostgresError("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw TestPostgresError("\(executable) \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    /// A port the kernel reports free on 127.0.0.1 (bound to port 0, then released).
    static func freePort() throws(TestPostgresError) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestPostgresError("socket failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw TestPostgresError("cannot bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// PostgreSQL could not be started for the tests; the message says which step failed.
public struct TestPostgresError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
