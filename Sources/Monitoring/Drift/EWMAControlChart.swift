import Foundation
import JSON

/// An exponentially weighted moving average control chart on the prediction score: it notices a small,
/// sustained shift in the model's output long before a per-request threshold would.
///
/// z_t = λ·x_t + (1 − λ)·z_{t−1}, z_0 = μ. Limits μ ± L·σ·√(λ/(2−λ)·(1 − (1−λ)^{2t})) with μ, σ the
/// reference score mean and std. Typical λ = 0.1–0.3, L ≈ 3.
public struct EWMAControlChart: Sendable, Equatable {
    public let lambda: Double
    public let width: Double
    public let mean: Double
    public let std: Double
    public private(set) var value: Double
    public private(set) var count: Int = 0
    /// Points observed outside the limits since creation.
    public private(set) var outOfControlCount: Int = 0

    /// `lambda` in (0, 1], `width` (L) > 0; out-of-range values are clamped to λ = 0.2, L = 3.
    public init(lambda: Double = 0.2, width: Double = 3, mean: Double, std: Double) {
        self.lambda = lambda > 0 && lambda <= 1 ? lambda : 0.2
        self.width = width > 0 && width.isFinite ? width : 3
        self.mean = mean
        self.std = std
        value = mean
    }

    /// Half-width of the control band after `count` points.
    public var halfWidth: Double {
        let decay = 1 - pow(1 - lambda, 2 * Double(max(count, 1)))
        return width * std * (lambda / (2 - lambda) * decay).squareRoot()
    }
    public var lowerLimit: Double { mean - halfWidth }
    public var upperLimit: Double { mean + halfWidth }
    /// True when the current EWMA lies outside the limits.
    public var isOutOfControl: Bool { count > 0 && (value < lowerLimit || value > upperLimit) }

    /// Adds one score; non-finite scores are ignored.
    public mutating func observe(_ score: Double) {
        guard score.isFinite else { return }
        value = lambda * score + (1 - lambda) * value
        count += 1
        if isOutOfControl { outOfControlCount += 1 }
    }

    public func json() -> JSONValue {
        [
            "lambda": .finite(lambda), "width": .finite(width), "value": .finite(value),
            "lower_limit": .finite(lowerLimit), "upper_limit": .finite(upperLimit), "count": .number(Double(count)),
            "out_of_control": .bool(isOutOfControl), "out_of_control_count": .number(Double(outOfControlCount)),
        ]
    }
}
