import Dispatch
import Log
import Metrics
import Synchronization
import TimeFormat

/// Loads versioned models from the repository, serves immutable snapshots of them, and swaps in new
/// versions without dropping a request.
///
/// Reads (`snapshot`) take one uncontended lock to copy a reference. Everything slow — scanning,
/// reading, hashing, compiling — happens in `reload()` on the caller's thread, which is the poll thread,
/// a SIGHUP handler's worker or an admin worker, never an event loop. Reloads and admin changes are
/// serialised by a second lock, so they never block readers. A version that fails to load or verify is
/// reported and never served; whatever was serving keeps serving.
public final class ModelRegistry: Sendable {
    public let configuration: RegistryConfiguration
    let repository: ModelRepository
    let logger: Logger
    let clock: @Sendable () -> Double
    private let current: Mutex<RegistrySnapshot>
    let control: Mutex<ControlState>
    let loads: MetricFamily<Counter>
    let loadDuration: Histogram
    let poller = Mutex<PollThread?>(nil)

    /// What operators changed at runtime, layered over what is on disk.
    struct ControlState {
        var generation: UInt64 = 0
        var entries: [String: ModelEntry] = [:]
        /// Versions an admin asked to keep loaded / to keep unloaded, per model.
        var pinned: [String: Set<Int>] = [:]
        var excluded: [String: Set<Int>] = [:]
        /// Aliases set at runtime that could not be written to disk (read-only repository).
        var aliasOverrides: [String: ModelAliases] = [:]
    }

    public init(
        configuration: RegistryConfiguration, logger: Logger, metrics: MetricsRegistry,
        clock: @escaping @Sendable () -> Double = wallClockSeconds
    ) {
        self.configuration = configuration
        self.repository = ModelRepository(directory: configuration.directory)
        self.logger = logger
        self.clock = clock
        current = Mutex(RegistrySnapshot(models: [:], generation: 0))
        control = Mutex(ControlState())
        loads = metrics.counterFamily(
            "riskd_model_loads_total", help: "Model version loads by model and result.",
            labelNames: ["model", "result"])
        loadDuration = metrics.histogram(
            "riskd_model_load_duration_seconds", help: "Time to read, verify and compile a model version.",
            buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30])
        metrics.collect(
            "riskd_model_versions", help: "Known model versions by state.", type: "gauge",
            labelNames: ["model", "state"]
        ) { [weak self] in
            guard let snapshot = self?.snapshot else { return [] }
            var rows: [([String], Double)] = []
            for (name, entry) in snapshot.models {
                for state in [VersionState.loading, .available, .failed, .unloaded] {
                    let count = entry.statuses.values.filter { $0.state == state }.count
                    rows.append(([name, state.rawValue], Double(count)))
                }
            }
            return rows
        }
    }

    /// The registry as it is now. Hold on to it for the whole request.
    public var snapshot: RegistrySnapshot {
        current.withLock { $0 }
    }

    /// Models that must be serving for readiness; never empty when the repository is, so an empty
    /// repository is not ready.
    public func requiredModels(in snapshot: RegistrySnapshot) -> [String] {
        configuration.requiredModels.isEmpty ? snapshot.models.keys.sorted() : configuration.requiredModels
    }

    /// Ready when at least one model is required and every required model has a serving version.
    public func readiness() -> (ready: Bool, reason: String?) {
        let snapshot = self.snapshot
        let required = requiredModels(in: snapshot)
        if required.isEmpty { return (false, "no models found in \(configuration.directory)") }
        let missing = snapshot.modelsWithoutServingVersion(required: required)
        if missing.isEmpty { return (true, nil) }
        return (false, "no serving version for: " + missing.joined(separator: ", "))
    }

    /// Publishes a new snapshot built from `state.entries`.
    func publish(_ state: inout ControlState) {
        state.generation += 1
        let snapshot = RegistrySnapshot(models: state.entries, generation: state.generation)
        current.withLock { $0 = snapshot }
    }
}
