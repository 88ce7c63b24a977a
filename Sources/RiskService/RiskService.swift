import Alerting
import Features
import Foundation
import HTTPCore
import HTTPRouting
import HTTPServer
import Log
import Metrics
import Monitoring
import PrometheusSource
import Registry
import Storage
import Synchronization

/// The riskd service: wires the registry, the per-entity telemetry store, monitoring and alerting to
/// the HTTP routes, and owns the process lifecycle (start, drain, stop). `riskd serve` is a thin shell
/// around it, and the end-to-end tests drive it the same way on port 0.
public final class RiskService: Sendable {
    public let configuration: ServiceConfiguration
    public let metrics: MetricsRegistry
    public let registry: ModelRegistry
    public let entities: EntityStore
    let logger: Logger
    let access: AccessControl
    let policy: ServicePolicy
    let phase = PhaseCell()
    let workers = BlockingWorkers(threads: 8, limit: 256, niceness: 5)
    /// Outcome joins and statistics: few threads at the lowest priority (see `add(…analytics:)`).
    let analytics = BlockingWorkers(threads: 2, limit: 32, niceness: 19)
    let startedAt: Double
    let predictionIDs = PredictionIDGenerator()
    let counters: ServiceCounters
    let retentionGeneration = Atomic<UInt64>(UInt64.max)
    /// Set when this replica labelled stored predictions: the next monitoring tick recomputes the
    /// versions' outcome statistics from the store instead of waiting for `outcomeRefreshInterval`.
    let outcomesChanged = Atomic<Bool>(true)
    /// When the outcome statistics were last recomputed (unix seconds).
    let outcomesRefreshedAt = Mutex<Double>(0)
    /// Outcome statistics are recomputed at least this often, for labels other replicas applied and
    /// predictions that left the labelling horizon.
    static let outcomeRefreshInterval = 30.0
    let auditLog: AuditLog
    let slo: ServiceLevelObjectives
    let observers: ObserverRegistry
    let incidentLoop: IncidentLoop
    private let maintenance = MaintenanceThread()
    /// Once a second: digests of held pages, claimed from the state store.
    private let digestTicker = MaintenanceThread()
    /// Recomputes drift and outcome aggregates for `/metrics` every `aggregationInterval` seconds.
    private let aggregation = MaintenanceThread()
    static let aggregationInterval = 2.0
    let shadowScorer: ShadowScorer
    let predictionLog: PredictionLog?
    let store: StateStore
    let predictionJournal: PredictionJournal
    /// Delivers the pages in the state store's outbox (the file outbox keeps the other events).
    let storeDelivery: StoreOutboxDelivery
    /// The policy's `prometheus_sources`, evaluated against `--prometheus-url` (nil when there are none).
    let prometheusFeed: PrometheusFeatureFeed?
    private let server: Mutex<HTTPServer?> = Mutex(nil)

    public init(configuration: ServiceConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let metrics = MetricsRegistry()
        self.metrics = metrics
        ProcessMetrics.register(on: metrics)
        policy = try ServicePolicy.load(path: configuration.policyFile)
        access =
            try configuration.tokensFile.map { (path) throws(ServiceConfiguration.Error) in
                try AccessControl.load(path: path)
            } ?? .open
        registry = ModelRegistry(
            configuration: configuration.registry, logger: logger.child(label: "riskd.registry"), metrics: metrics)
        var limits = EntityStoreLimits()
        limits.maxEntities = configuration.maxEntities
        limits.idleTTLSeconds = configuration.entityIdleTTL
        limits.maxBytes = configuration.maxTelemetryBytes
        entities = EntityStore(limits: limits, clock: { Date().timeIntervalSince1970 })
        startedAt = Date().timeIntervalSince1970
        counters = ServiceCounters(metrics: metrics, entities: entities)
        slo = ServiceLevelObjectives(metrics: metrics)
        // Owner-only (0700; files inside are 0600): it holds pages, the audit log and predictions.
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        auditLog = try AuditLog(path: configuration.dataDirectory + "/audit.log", metrics: metrics)
        shadowScorer = ShadowScorer(metrics: metrics)
        if configuration.predictionLogRetention > 0 {
            var log = PredictionLogConfiguration(directory: configuration.dataDirectory + "/predictions")
            log.retentionSeconds = configuration.predictionLogRetention
            log.sampleRate = configuration.predictionLogSampleRate
            log.maxTotalBytes = configuration.predictionLogMaxBytes
            predictionLog = PredictionLog(configuration: log, metrics: metrics)
        } else {
            predictionLog = nil
        }
        store = try StateStore(url: Self.stateURL(configuration), now: Date().timeIntervalSince1970)
        let journal = PredictionJournal(store: store)
        predictionJournal = journal
        metrics.collect(
            "riskd_prediction_journal_dropped_total",
            help: "Predictions not recorded for the outcome join because the journal buffer was full.", type: "counter",
            samples: { [([], Double(journal.droppedCount))] })
        metrics.collect(
            "riskd_prediction_journal_buffered",
            help: "Predictions waiting in memory to be written to the state store (lost on a crash).", type: "gauge",
            samples: { [([], Double(journal.bufferedCount))] })
        let observers = ObserverRegistry(
            retrainingPolicy: try policy.retrainingPolicy(), predictions: counters.predictions,
            retrainingRequests: counters.retrainingRequests)
        self.observers = observers
        incidentLoop = try IncidentLoop(
            configuration: configuration, policy: policy, metrics: metrics,
            logger: logger.child(label: "riskd.alerting"))
        storeDelivery = StoreOutboxDelivery(store: store, borrowingFrom: incidentLoop.outbox)
        incidentLoop.suppressor.requireLedger()
        prometheusFeed = try Self.prometheusFeed(configuration, policy, metrics: metrics, logger: logger)
        DriftMetrics.register(on: metrics) { observers.all().map(\.drift) }
        OutcomeMetrics.register(on: metrics) { observers.all().map(\.outcomes) }
    }

    /// Loads the models, then listens. Ready (readyz 200) once every required model serves.
    public func start() throws {
        if !access.isEnabled {
            // No "port" here: scripts take the bound port from the first log line that has one.
            logger.warning(AccessControl.openModeWarning, ["host": .string(configuration.server.host)])
        }
        registry.reload()
        try policy.validatePrometheusSources { [registry] in registry.snapshot.models[$0]?.serving?.featureNames }
        prometheusFeed?.warnUndeclared { [registry] in registry.snapshot.models[$0]?.serving?.featureNames ?? [] }
        try restoreState()
        storeDelivery.start()
        registry.startWatching()
        maintenance.start(interval: 60) { [weak self] in self?.maintain() }
        digestTicker.start(interval: 1) { [weak self] in self?.sendStoredDigests(now: Date().timeIntervalSince1970) }
        aggregation.start(interval: Self.aggregationInterval) { [weak self] in
            self?.refreshMonitoring(now: Date().timeIntervalSince1970)
        }
        prometheusFeed?.start { [weak self] source in
            guard let self, let feed = self.prometheusFeed else { return }
            self.evaluatePrometheusSource(source, feed: feed)
        }
        let routes = makeRoutes()
        registerServiceMetrics()
        let responder = RoutingResponder(
            router: routes.router, metrics: metrics, logger: logger.child(label: "riskd.http"))
        let server = HTTPServer(
            configuration: configuration.server, responder: responder, logger: logger.child(label: "riskd.server"),
            metrics: metrics, errorRenderer: Self.renderError)
        try server.start()
        self.server.withLock { $0 = server }
        phase.set(.serving)
        logger.info(
            "riskd listening",
            ["host": .string(configuration.server.host), "port": .number(Double(server.localPort))])
    }

    /// The port actually bound (for `--port 0`).
    public var port: Int {
        server.withLock { $0?.localPort ?? 0 }
    }

    /// Step one of a graceful stop: readiness fails at once, everything else keeps serving.
    public func beginDrain() {
        phase.set(.draining)
        server.withLock { $0 }?.beginDrain()
        logger.info("draining: readyz now answers 503")
    }

    /// Step two: stop accepting, let in-flight requests finish within the grace period, stop workers.
    public func shutdown() {
        phase.set(.draining)
        let server = self.server.withLock { $0 }
        server?.shutdown(gracePeriod: configuration.gracePeriod)
        registry.stopWatching()
        prometheusFeed?.stop()
        maintenance.stop()
        digestTicker.stop()
        aggregation.stop()
        workers.stop()
        analytics.stop()
        incidentLoop.stop()
        storeDelivery.stop(timeout: 5)
        _ = shadowScorer.drain(timeout: 5)
        predictionLog?.close(timeout: 10)
        predictionJournal.stop(timeout: 10)
        store.close()
        auditLog.close()
        logger.info("riskd stopped")
    }

    /// The feed for the policy's Prometheus sources: they need `--prometheus-url`, and the URL alone is
    /// only worth a warning (nothing to evaluate).
    private static func prometheusFeed(
        _ configuration: ServiceConfiguration, _ policy: ServicePolicy, metrics: MetricsRegistry, logger: Logger
    ) throws -> PrometheusFeatureFeed? {
        guard let url = configuration.prometheusURL else {
            guard policy.prometheusSources.isEmpty else {
                throw ServiceConfiguration.Error(
                    description: "the policy file declares prometheus_sources but --prometheus-url is not set")
            }
            return nil
        }
        guard !policy.prometheusSources.isEmpty else {
            logger.warning("--prometheus-url is set but the policy file declares no prometheus_sources")
            return nil
        }
        let client = PrometheusClient(
            baseURL: url, timeout: configuration.prometheusTimeout, maxSeries: configuration.prometheusMaxSeries)
        return PrometheusFeatureFeed(
            sources: policy.prometheusSources, client: client, concurrency: configuration.prometheusConcurrency,
            metrics: metrics, logger: logger.child(label: "riskd.prometheus"))
    }

    /// SIGHUP: rescan the model repository now.
    public func reloadModels() {
        registry.requestReload()
    }
}
