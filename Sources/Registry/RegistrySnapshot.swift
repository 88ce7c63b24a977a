import ModelSpec

/// The lifecycle state of one model version, as reported at `GET /v1/models/{name}`.
public enum VersionState: String, Sendable {
    case loading
    case available
    case failed
    case unloaded
}

/// What the registry knows about a version: its state, why it failed, and its identity when loaded.
public struct VersionStatus: Sendable {
    public var version: Int
    public var state: VersionState
    public var reason: String?
    public var sha256: String?
    public var loadedAt: Double?
    /// Files seen on disk when this status was recorded; a change triggers a reload.
    var fingerprint: String
}

/// A model as the registry serves it at one instant.
/// A class, not a struct: every predict takes one from the snapshot, and copying the struct retained and
/// released each of its collections and the manifest's (about twenty reference counts per request).
public final class ModelEntry: Sendable {
    public let name: String
    /// Loaded versions, ready to answer.
    public let available: [Int: ServableModel]
    /// Every known version, including failed and unloaded ones.
    public let statuses: [Int: VersionStatus]
    public let aliases: ModelAliases
    /// The newest manifest that parsed, even when its artifact did not load: its fallback rules
    /// still answer while no version can.
    public let lastKnownManifest: ModelManifest?

    init(
        name: String, available: [Int: ServableModel], statuses: [Int: VersionStatus], aliases: ModelAliases,
        lastKnownManifest: ModelManifest?
    ) {
        self.name = name
        self.available = available
        self.statuses = statuses
        self.aliases = aliases
        self.lastKnownManifest = lastKnownManifest
        if let pinned = aliases.production, let model = available[pinned] {
            serving = model
        } else {
            serving = available.max { $0.key < $1.key }?.value
        }
    }

    /// The production alias when it is loaded, else the highest loaded version (chosen once, at init: every
    /// predict asks).
    public let serving: ServableModel?

    /// The model that answers a request: the canary for a `weight` share of routing keys, else serving.
    /// `routingValue` in 0..<1 comes from the caller (a hash of the entity for stickiness, or random).
    public func route(routingValue: Double) -> ServableModel? {
        if let canary = aliases.canary, let model = available[canary], routingValue < aliases.canaryWeight {
            return model
        }
        return serving
    }

    public var shadow: ServableModel? {
        aliases.shadow.flatMap { available[$0] }
    }

    /// Whether this version failed to load with the files now on disk: a remembered failure, not retried
    /// until the files change.
    func hasFailed(_ version: ModelRepository.VersionOnDisk) -> Bool {
        guard let status = statuses[version.version] else { return false }
        return status.state == .failed && status.fingerprint == version.fingerprint
    }
}

/// An immutable view of every model; swapped atomically as a whole, so a request sees one consistent
/// registry from start to finish.
public final class RegistrySnapshot: Sendable {
    public let models: [String: ModelEntry]
    /// Increases with every swap; handy for tests and the reload endpoint.
    public let generation: UInt64

    init(models: [String: ModelEntry], generation: UInt64) {
        self.models = models
        self.generation = generation
    }

    /// Names of configured models that have no serving version: non-empty means not ready.
    public func modelsWithoutServingVersion(required: [String]) -> [String] {
        required.filter { models[$0]?.serving == nil }
    }
}
