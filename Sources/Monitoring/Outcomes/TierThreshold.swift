/// A risk level at which a tier starts (e.g. `l1` at 0.3), the decision threshold that precision and
/// recall are measured at.
public struct TierThreshold: Sendable, Equatable {
    public let name: String
    public let risk: Double

    public init(name: String, risk: Double) {
        self.name = name
        self.risk = risk
    }
}
