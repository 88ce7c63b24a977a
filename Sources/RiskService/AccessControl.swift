import Crypto
import Foundation
import HTTPCore
import JSON

/// What a caller may do. Roles nest: `admin` can do everything `write` can, `write` everything `read` can.
public enum Role: Int, Sendable, Comparable, CaseIterable {
    case read = 1, write, admin

    public var name: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .admin: "admin"
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Who may call which route: bearer tokens with roles, loaded from a file, compared in constant time.
///
/// Tokens are stored as SHA-256 digests (the file may hold `sha256` or, for convenience, the plain
/// `token`, hashed at load), and every presented token is compared against every entry with
/// `CRYPTO_memcmp`, so neither the token nor which entry matched leaks through timing. Without a tokens
/// file, read and write are open (a private network deployment) and admin is refused outright: model and
/// alias changes always need a named, audited identity.
public struct AccessControl: Sendable {
    struct Entry: Sendable {
        let name: String
        let digest: [UInt8]
        let role: Role
    }

    let entries: [Entry]
    public let isEnabled: Bool

    /// The identity of a caller without credentials (or of everyone without a tokens file).
    public static let anonymous = "anonymous"

    /// Open mode: read and write for everyone, admin for no one.
    public static let open = AccessControl(entries: [], isEnabled: false)

    /// Logged as a warning at start-up in open mode, so an exposed deployment does not stay open silently.
    static let openModeWarning =
        "no tokens file: read and write routes are open to anyone who can connect, admin routes are disabled;"
        + " fine on a private network, otherwise set --tokens-file (RISKD_TOKENS_FILE)"

    init(entries: [Entry], isEnabled: Bool) {
        self.entries = entries
        self.isEnabled = isEnabled
    }

    /// Reads and parses the tokens file at `path` (`--tokens-file`).
    static func load(path: String) throws(ServiceConfiguration.Error) -> AccessControl {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceConfiguration.Error(description: "tokens file \(path) cannot be read")
        }
        return try AccessControl(parsing: [UInt8](data))
    }

    /// Parses `{"tokens": [{"name": "ci", "sha256": "<hex>" | "token": "<secret>", "role": "read"}]}`.
    public init(parsing bytes: [UInt8]) throws(ServiceConfiguration.Error) {
        do {
            let root = try JSONParser().parse(bytes).object(at: "")
            var entries: [Entry] = []
            for (index, value) in try root.require("tokens", at: "").array(at: "tokens").enumerated() {
                let path = "tokens[\(index)]"
                let object = try value.object(at: path)
                let name = try object.require("name", at: path).string(at: path + ".name")
                let roleName = try object.require("role", at: path).string(at: path + ".role")
                guard let role = Role.allCases.first(where: { $0.name == roleName }) else {
                    throw ServiceConfiguration.Error(description: "\(path).role: expected read, write or admin")
                }
                let digest: [UInt8]
                if let hex = try object.optional("sha256")?.string(at: path + ".sha256") {
                    guard let decoded = Hex.decode(hex), decoded.count == 32 else {
                        throw ServiceConfiguration.Error(description: "\(path).sha256: expected 64 hex digits")
                    }
                    digest = decoded
                } else {
                    let token = try object.require("token", at: path).string(at: path + ".token")
                    guard token.utf8.count >= 16 else {
                        throw ServiceConfiguration.Error(description: "\(path).token: shorter than 16 bytes")
                    }
                    digest = Digest.sha256(Array(token.utf8))
                }
                entries.append(Entry(name: name, digest: digest, role: role))
            }
            self.init(entries: entries, isEnabled: true)
        } catch let error as ServiceConfiguration.Error {
            throw error
        } catch {
            throw ServiceConfiguration.Error(description: "tokens file: \(error)")
        }
    }

    /// The caller's identity, or who was refused and the error response to send instead.
    public func authorize(_ request: HTTPRequest, needs role: Role) -> Result<String, AccessDenial> {
        guard isEnabled else {
            if role == .admin {
                return .failure(
                    AccessDenial(
                        .forbidden, "admin_disabled", "admin endpoints need a tokens file (--tokens-file)",
                        identity: AccessControl.anonymous))
            }
            return .success(AccessControl.anonymous)
        }
        guard let header = request.headers["authorization"] else {
            return .failure(
                AccessDenial(.unauthorized, "unauthorized", "missing bearer token", identity: AccessControl.anonymous))
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .failure(
                AccessDenial(
                    .unauthorized, "unauthorized", "expected Authorization: Bearer <token>",
                    identity: AccessControl.anonymous))
        }
        let presented = Digest.sha256(Array(parts[1].utf8))
        var match: Entry?
        for entry in entries where Digest.constantTimeEquals(entry.digest, presented) && match == nil {
            match = entry
        }
        guard let match else {
            return .failure(
                AccessDenial(.unauthorized, "unauthorized", "unknown token", identity: AccessDenial.unknownToken))
        }
        guard match.role >= role else {
            return .failure(
                AccessDenial(
                    .forbidden, "forbidden", "token \(match.name) lacks the \(role.name) role", identity: match.name))
        }
        return .success(match.name)
    }
}

/// A refused request: the 401/403 to answer and who was refused, so the refusal can be audited by name.
/// `identity` is a token's name when the token is known, never the token itself.
public struct AccessDenial: Error, Sendable {
    /// A bearer token matching no entry; parenthesised so no configured name can look like it.
    public static let unknownToken = "(unknown token)"

    public let error: HTTPResponseError
    public let identity: String

    init(_ status: HTTPStatus, _ code: String, _ message: String, identity: String) {
        error = HTTPResponseError(status, code, message)
        self.identity = identity
    }
}
