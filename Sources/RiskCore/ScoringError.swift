/// Why a row could not be scored. Client-side problems only: the caller maps them to its protocol's
/// errors (riskd's HTTP API answers 422), and they never count against riskd's availability.
public struct ScoringError: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Fewer features present than the manifest's `min_feature_fraction`, and no fallback rules.
        case insufficientFeatures = "insufficient_features"
        /// The model has no notion of risk (a regression).
        case unsupportedTask = "unsupported_task"
    }

    public let kind: Kind
    /// The row of the batch that failed (0 for a single row).
    public let row: Int
    public let message: String
    /// For `insufficientFeatures`: the model's features that were missing, in model order.
    public let missingFeatures: [String]

    public init(_ kind: Kind, row: Int, message: String, missingFeatures: [String] = []) {
        self.kind = kind
        self.row = row
        self.message = message
        self.missingFeatures = missingFeatures
    }
}
