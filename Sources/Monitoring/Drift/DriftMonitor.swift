import Synchronization

/// Watches the live inputs and scores of one model version for drift away from its training reference.
///
/// Keeps the most recent `capacity` feature vectors and scores in a ring (memory is bounded by
/// capacity × feature count doubles) and updates the EWMA chart on every score. `record` is O(features)
/// under a short lock; `report` copies the window out and computes the statistics outside the lock.
public final class DriftMonitor: Sendable {
    public let model: String
    public let version: String
    /// Feature names in the order of the vectors passed to `record`.
    public let featureNames: [String]
    public let capacity: Int
    private let references: [ReferenceDistribution?]
    private let scoreReference: ReferenceDistribution?
    private let state: Mutex<State>

    private struct State: Sendable {
        var values: [Double]
        var scores: [Double]
        var next = 0
        var count = 0
        var observed = 0
        var ewma: EWMAControlChart?
    }

    /// - Parameters:
    ///   - features: reference per feature name; features without a reference are not reported.
    ///   - score: reference of the prediction score, enabling score drift and the EWMA chart.
    ///   - capacity: recent vectors kept (at least 1).
    public init(
        model: String, version: String, featureNames: [String], features: [String: ReferenceDistribution],
        score: ReferenceDistribution?, capacity: Int = 2_000, ewmaLambda: Double = 0.2, ewmaWidth: Double = 3
    ) {
        self.model = model
        self.version = version
        self.featureNames = featureNames
        self.capacity = max(1, capacity)
        references = featureNames.map { features[$0] }
        scoreReference = score
        let ewma = score.map { EWMAControlChart(lambda: ewmaLambda, width: ewmaWidth, mean: $0.mean, std: $0.std) }
        state = Mutex(
            State(
                values: [Double](repeating: .nan, count: self.capacity * featureNames.count),
                scores: [Double](repeating: .nan, count: self.capacity), ewma: ewma))
    }

    /// Records one prediction: `features` aligned with `featureNames` (NaN = missing) and its score.
    /// A vector of the wrong length is ignored and reported as `false`.
    @discardableResult
    public func record(features: [Double], score: Double) -> Bool {
        guard features.count == featureNames.count else { return false }
        let width = featureNames.count
        state.withLock { state in
            let slot = state.next
            for (index, value) in features.enumerated() { state.values[slot * width + index] = value }
            state.scores[slot] = score
            state.next = (slot + 1) % capacity
            state.count = min(state.count + 1, capacity)
            state.observed += 1
            state.ewma?.observe(score)
        }
        return true
    }

    /// Drift statistics over the current window.
    public func report() -> DriftReport {
        let (values, scores, count, observed, ewma) = state.withLock { state in
            (state.values, state.scores, state.count, state.observed, state.ewma)
        }
        let width = featureNames.count
        var features: [FeatureDrift] = []
        for (index, name) in featureNames.enumerated() {
            guard let reference = references[index] else { continue }
            let column = (0..<count).map { values[$0 * width + index] }
            features.append(FeatureDrift(name: name, reference: reference, values: column))
        }
        let score = scoreReference.map { FeatureDrift(name: "score", reference: $0, values: Array(scores[0..<count])) }
        return DriftReport(
            model: model, version: version, samples: count, observed: observed, features: features, score: score,
            ewma: ewma)
    }
}
