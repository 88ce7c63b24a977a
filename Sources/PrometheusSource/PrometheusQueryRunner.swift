import Dispatch
import Synchronization
import SystemIO

/// Runs the queries of one evaluation on a fixed pool of threads (the concurrency limit towards
/// Prometheus), all at the same evaluation time, and waits for them with a bound: a feature row must never
/// mix values from different instants, and a slow Prometheus must never pile up threads or requests.
public final class PrometheusQueryRunner: Sendable {
    public let client: PrometheusClient
    private let pool: FixedThreadPool

    /// - Parameter concurrency: queries in flight at once (threads of the pool).
    public init(client: PrometheusClient, concurrency: Int) {
        self.client = client
        let threads = max(1, concurrency)
        // Room for one evaluation of the largest source beyond the running queries; more is refused.
        pool = FixedThreadPool(
            name: "riskd-prometheus", threads: threads, capacity: PrometheusFeatureSource.maxFeatures, niceness: 5)
    }

    /// Every `(name, query)` at `time`. The first failure fails the whole evaluation (a partial row could
    /// page on a feature that was merely not fetched); results are keyed by name.
    public func evaluate(_ queries: [PrometheusFeatureSource.Feature], at time: Double) throws(PrometheusQueryError)
        -> [String: InstantVector]
    {
        let results = Mutex<[String: Result<InstantVector, PrometheusQueryError>]>([:])
        let done = DispatchGroup()
        for feature in queries {
            done.enter()
            let accepted = pool.submit { [client] in
                let outcome: Result<InstantVector, PrometheusQueryError>
                do throws(PrometheusQueryError) {
                    outcome = .success(try client.query(feature.query, at: time))
                } catch {
                    outcome = .failure(error)
                }
                results.withLock { $0[feature.name] = outcome }
                done.leave()
            }
            if !accepted {
                results.withLock { $0[feature.name] = .failure(.unreachable("query pool full or stopped")) }
                done.leave()
            }
        }
        // Each query is bounded by the client's timeout; the margin covers queueing behind the other queries.
        let rounds = Double((queries.count + pool.threadCount - 1) / pool.threadCount)
        guard done.wait(timeout: .now() + client.timeout * rounds + 1) == .success else { throw .timeout }
        var vectors: [String: InstantVector] = [:]
        var firstError: PrometheusQueryError?
        let collected = results.withLock { $0 }
        for feature in queries {
            switch collected[feature.name] {
            case .success(let vector)?: vectors[feature.name] = vector
            case .failure(let error)?: firstError = firstError ?? error
            case nil: firstError = firstError ?? .timeout
            }
        }
        if let firstError { throw firstError }
        return vectors
    }

    /// Lets queued queries finish (each bounded by the timeout) and stops the threads.
    public func stop() {
        pool.stop(timeout: client.timeout + 1)
    }
}
