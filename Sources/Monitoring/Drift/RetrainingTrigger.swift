import JSON
import Synchronization

/// Applies a `RetrainingTriggerPolicy` over time: fires at most once per cooldown period, so a drifted
/// model produces one retraining request (or alert) rather than one per evaluation.
public final class RetrainingTrigger: Sendable {
    public let policy: RetrainingTriggerPolicy
    private let lastFired: Mutex<Double?>

    /// The outcome of one evaluation.
    public struct Decision: Sendable, Equatable {
        /// True exactly when this evaluation fired.
        public let fire: Bool
        /// Why the policy is breached (may be non-empty while `fire` is false during cooldown).
        public let reasons: [String]
        /// "fired", "cooldown", "insufficient_samples" or "ok".
        public let status: String

        public func json() -> JSONValue {
            ["fire": .bool(fire), "status": .string(status), "reasons": .array(reasons.map { .string($0) })]
        }
    }

    public init(policy: RetrainingTriggerPolicy) {
        self.policy = policy
        lastFired = Mutex(nil)
    }

    /// Evaluates `report` at time `now` (unix seconds) and records the firing, if any.
    public func evaluate(_ report: DriftReport, now: Double) -> Decision {
        guard report.samples >= policy.minSamples else {
            return Decision(fire: false, reasons: [], status: "insufficient_samples")
        }
        let reasons = policy.breaches(report)
        guard !reasons.isEmpty else { return Decision(fire: false, reasons: [], status: "ok") }
        return lastFired.withLock { last in
            if let last, now - last < policy.cooldownSeconds {
                return Decision(fire: false, reasons: reasons, status: "cooldown")
            }
            last = now
            return Decision(fire: true, reasons: reasons, status: "fired")
        }
    }
}
