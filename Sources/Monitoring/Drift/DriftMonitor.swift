import ModelSpec
import Synchronization

/// Watches the live inputs and scores of one model version for drift away from its training reference.
///
/// Keeps about the most recent `capacity` feature vectors and scores in rings (memory is bounded by
/// capacity × feature count doubles) split over a few shards: each call records into the next shard
/// under that shard's lock only, so concurrent event loops rarely meet, and a batch costs one lock, not
/// one per row. `report()` merges the shards outside their locks; `refresh()` stores a report for
/// `/metrics`, which then renders without computing anything.
public final class DriftMonitor: Sendable {
    public let model: String
    public let version: String
    /// Feature names in the order of the vectors passed to `record`.
    public let featureNames: [String]
    public let capacity: Int
    private let references: [ReferenceDistribution?]
    private let scoreReference: ReferenceDistribution?
    private let shards: [Shard]
    private let nextShard = Atomic<Int>(0)
    private let chart: Mutex<EWMAControlChart?>
    private let latest = Mutex<DriftReport?>(nil)

    private final class Shard: Sendable {
        let state: Mutex<State>

        init(capacity: Int, width: Int) {
            state = Mutex(
                State(
                    values: [Double](repeating: .nan, count: capacity * width),
                    scores: [Double](repeating: .nan, count: capacity), capacity: capacity))
        }
    }

    private struct State: Sendable {
        var values: [Double]
        var scores: [Double]
        let capacity: Int
        var next = 0
        var count = 0
        var observed = 0

        mutating func record(_ row: ArraySlice<Double>, score: Double) {
            let width = row.count
            var target = next * width
            for value in row {
                values[target] = value
                target += 1
            }
            scores[next] = score
            next = (next + 1) % capacity
            count = min(count + 1, capacity)
            observed += 1
        }
    }

    /// - Parameters:
    ///   - features: reference per feature name; features without a reference are not reported.
    ///   - score: reference of the prediction score, enabling score drift and the EWMA chart.
    ///   - capacity: recent vectors kept (at least 1).
    public init(
        model: String, version: String, featureNames: [String], features: [String: ReferenceDistribution],
        score: ReferenceDistribution?, capacity: Int = 2_000, ewmaLambda: Double = 0.2, ewmaWidth: Double = 3,
        shards: Int = 4
    ) {
        self.model = model
        self.version = version
        self.featureNames = featureNames
        self.capacity = max(1, capacity)
        references = featureNames.map { features[$0] }
        scoreReference = score
        let count = max(1, min(shards, self.capacity))
        let perShard = (self.capacity + count - 1) / count
        self.shards = (0..<count).map { _ in Shard(capacity: perShard, width: featureNames.count) }
        chart = Mutex(score.map { EWMAControlChart(lambda: ewmaLambda, width: ewmaWidth, mean: $0.mean, std: $0.std) })
    }

    /// Records one prediction: `features` aligned with `featureNames` (NaN = missing) and its score.
    /// A vector of the wrong length is ignored and reported as `false`.
    @discardableResult
    public func record(features: [Double], score: Double) -> Bool {
        guard features.count == featureNames.count else { return false }
        withUnsafePointer(to: 0) { index in
            withUnsafePointer(to: score) { score in
                record(
                    rows: features, indices: UnsafeBufferPointer(start: index, count: 1),
                    scores: UnsafeBufferPointer(start: score, count: 1))
            }
        }
        return true
    }

    /// Records a batch: `rows` is row-major with `featureNames.count` columns; `indices[i]` is the row
    /// whose score is `scores[i]`. One shard lock and one chart lock for the whole batch. Indices and scores
    /// are buffers, so a caller can keep them on its stack instead of allocating two arrays per request.
    public func record(rows: [Double], indices: UnsafeBufferPointer<Int>, scores: UnsafeBufferPointer<Double>) {
        let width = featureNames.count
        guard !indices.isEmpty, indices.count == scores.count, rows.count >= (indices.max()! + 1) * width else {
            return
        }
        let shard = shards[
            Int(UInt(bitPattern: nextShard.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(shards.count))]
        shard.state.withLock { state in
            for (row, score) in zip(indices, scores) {
                state.record(rows[(row * width)..<((row + 1) * width)], score: score)
            }
        }
        chart.withLock { chart in
            guard chart != nil else { return }
            for score in scores { chart?.observe(score) }
        }
    }

    /// Drift statistics over the current windows of every shard.
    public func report() -> DriftReport {
        let width = featureNames.count
        var columns = [[Double]](repeating: [], count: width)
        var scores: [Double] = []
        var observed = 0
        for shard in shards {
            let (values, shardScores, count, seen) = shard.state.withLock {
                ($0.values, $0.scores, $0.count, $0.observed)
            }
            observed += seen
            scores.append(contentsOf: shardScores[0..<count])
            for index in 0..<width where references[index] != nil {
                for slot in 0..<count { columns[index].append(values[slot * width + index]) }
            }
        }
        var features: [FeatureDrift] = []
        for (index, name) in featureNames.enumerated() {
            guard let reference = references[index] else { continue }
            features.append(FeatureDrift(name: name, reference: reference, values: columns[index]))
        }
        let score = scoreReference.map { FeatureDrift(name: "score", reference: $0, values: scores) }
        return DriftReport(
            model: model, version: version, samples: scores.count, observed: observed, features: features,
            score: score, ewma: chart.withLock { $0 })
    }

    /// Computes a report now and keeps it for `latestReport`, unless no vector arrived since the last
    /// one; run off the event loops.
    @discardableResult
    public func refresh() -> DriftReport {
        let observed = shards.reduce(0) { total, shard in total + shard.state.withLock { $0.observed } }
        if let kept = latest.withLock({ $0 }), kept.observed == observed { return kept }
        let report = report()
        latest.withLock { $0 = report }
        return report
    }

    /// The report of the last `refresh()`, for rendering `/metrics` without computing.
    public var latestReport: DriftReport? { latest.withLock { $0 } }
}
