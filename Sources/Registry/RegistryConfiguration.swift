/// Which versions of a model the registry keeps loaded (TensorFlow Serving's model_version_policy).
public enum VersionPolicy: Sendable, Equatable {
    /// The `n` highest versions on disk; `latest(2)` keeps the previous version warm for instant rollback.
    case latest(Int)
    /// Exactly these versions.
    case specific(Set<Int>)
    /// Every version on disk.
    case all

    func select(from versions: some Collection<Int>) -> Set<Int> {
        switch self {
        case .latest(let count): Set(versions.sorted(by: >).prefix(max(count, 1)))
        case .specific(let wanted): wanted.intersection(versions)
        case .all: Set(versions)
        }
    }
}

/// How the registry finds and watches models.
public struct RegistryConfiguration: Sendable {
    /// The model repository root (`$RISKD_MODELS_DIR`).
    public var directory: String
    public var defaultPolicy: VersionPolicy = .latest(2)
    public var policies: [String: VersionPolicy] = [:]
    /// Models that must have a serving version before the service reports ready. Empty: every model
    /// found on disk (and at least one).
    public var requiredModels: [String] = []
    /// Seconds between scans of the repository; 0 disables polling (SIGHUP and the admin endpoint still reload).
    public var pollInterval: Double = 30

    public init(directory: String) {
        self.directory = directory
    }

    func policy(for model: String) -> VersionPolicy {
        policies[model] ?? defaultPolicy
    }
}
