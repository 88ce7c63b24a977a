import JSON

/// A snapshot of drift for one model version: per-feature drift, score drift and the EWMA chart state.
/// Produced by `DriftMonitor.report()` and judged by `RetrainingTriggerPolicy`.
public struct DriftReport: Sendable, Equatable {
    public let model: String
    public let version: String
    /// Recent feature vectors in the window the statistics were computed on.
    public let samples: Int
    /// Feature vectors observed since the monitor was created.
    public let observed: Int
    public let features: [FeatureDrift]
    public let score: FeatureDrift?
    public let ewma: EWMAControlChart?

    public func json() -> JSONValue {
        [
            "model": .string(model), "version": .string(version), "samples": .number(Double(samples)),
            "observed": .number(Double(observed)), "features": .array(features.map { $0.json() }),
            "score": score?.json() ?? .null, "ewma": ewma?.json() ?? .null,
        ]
    }
}
