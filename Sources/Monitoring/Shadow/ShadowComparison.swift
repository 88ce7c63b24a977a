import JSON
import Synchronization

/// Running comparison of a shadow model against production on the same requests, the evidence for
/// promoting (or not) a candidate version. Constant memory: only sums are kept.
public final class ShadowComparison: Sendable {
    public let productionVersion: String
    public let shadowVersion: String
    private let state: Mutex<Summary>

    /// What has been observed so far.
    public struct Summary: Sendable, Equatable {
        public fileprivate(set) var count = 0
        public fileprivate(set) var tierAgreements = 0
        public fileprivate(set) var absoluteDifferenceSum = 0.0
        /// Sum of shadow − production, to see whether the shadow is systematically higher.
        public fileprivate(set) var signedDifferenceSum = 0.0
        public fileprivate(set) var maxAbsoluteDifference = 0.0

        /// Fraction of requests where both models chose the same tier; nil before the first request.
        public var agreementRate: Double? { count > 0 ? Double(tierAgreements) / Double(count) : nil }
        public var meanAbsoluteDifference: Double? { count > 0 ? absoluteDifferenceSum / Double(count) : nil }
        public var meanSignedDifference: Double? { count > 0 ? signedDifferenceSum / Double(count) : nil }
    }

    public init(productionVersion: String, shadowVersion: String) {
        self.productionVersion = productionVersion
        self.shadowVersion = shadowVersion
        state = Mutex(Summary())
    }

    /// Adds one request's pair of risks and tiers. Non-finite risks are ignored (returns false).
    @discardableResult
    public func record(productionRisk: Double, shadowRisk: Double, productionTier: String, shadowTier: String)
        -> Bool
    {
        guard productionRisk.isFinite, shadowRisk.isFinite else { return false }
        let difference = shadowRisk - productionRisk
        state.withLock { summary in
            summary.count += 1
            if productionTier == shadowTier { summary.tierAgreements += 1 }
            summary.absoluteDifferenceSum += abs(difference)
            summary.signedDifferenceSum += difference
            summary.maxAbsoluteDifference = max(summary.maxAbsoluteDifference, abs(difference))
        }
        return true
    }

    public func summary() -> Summary { state.withLock { $0 } }

    public func json() -> JSONValue {
        let summary = summary()
        return [
            "production_version": .string(productionVersion), "shadow_version": .string(shadowVersion),
            "count": .number(Double(summary.count)), "tier_agreement_rate": .optional(summary.agreementRate),
            "mean_abs_diff": .optional(summary.meanAbsoluteDifference),
            "mean_signed_diff": .optional(summary.meanSignedDifference),
            "max_abs_diff": .finite(summary.maxAbsoluteDifference),
        ]
    }
}
