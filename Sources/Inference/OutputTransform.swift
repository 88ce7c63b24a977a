import Foundation

/// The link from raw margins to the model's output, kept separate so `predictMargins` and `predict` share
/// the traversal code. The `float32` cases reproduce XGBoost's own float arithmetic (src/common/math.h) so
/// its probabilities come out bit-identical; they read values that are float32 widened to Double.
enum OutputTransform: Sendable, Equatable {
    case identity
    /// `1 / (1 + exp(-alpha * margin))`, per output, in double.
    case sigmoid(alpha: Double)
    /// Softmax over all outputs, in double.
    case softmax
    /// `exp(margin)`, for log-link regressions (poisson, gamma, tweedie), in double.
    case exponential
    /// XGBoost's `common::Sigmoid`: `1 / (expf(min(-x, 88.7)) + 1 + 1e-16)` in float32.
    case float32Sigmoid
    /// XGBoost's `common::Softmax`: float32 exponentials of `x - max`, summed in double, divided in float32.
    case float32Softmax
    /// XGBoost's `expf(x)`.
    case float32Exponential

    func apply(_ values: UnsafeMutableBufferPointer<Double>) {
        switch self {
        case .identity:
            return
        case .sigmoid(let alpha):
            for index in values.indices { values[index] = 1 / (1 + exp(-alpha * values[index])) }
        case .exponential:
            for index in values.indices { values[index] = exp(values[index]) }
        case .softmax:
            var largest = -Double.infinity
            for value in values where value > largest { largest = value }
            var sum = 0.0
            for index in values.indices {
                values[index] = exp(values[index] - largest)
                sum += values[index]
            }
            for index in values.indices { values[index] /= sum }
        case .float32Sigmoid:
            for index in values.indices { values[index] = Double(Self.xgboostSigmoid(Float(values[index]))) }
        case .float32Exponential:
            for index in values.indices { values[index] = Double(expf(Float(values[index]))) }
        case .float32Softmax:
            guard let first = values.first else { return }
            var largest = Float(first)
            for value in values.dropFirst() { largest = fmaxf(Float(value), largest) }
            var sum = 0.0
            for index in values.indices {
                let exponential = expf(Float(values[index]) - largest)
                values[index] = Double(exponential)
                sum += Double(exponential)
            }
            let divisor = Float(sum)
            for index in values.indices { values[index] = Double(Float(values[index]) / divisor) }
        }
    }

    /// Evaluated in this order on purpose: `(expf(..) + 1) + 1e-16` in float32, as XGBoost does.
    @inline(__always)
    static func xgboostSigmoid(_ margin: Float) -> Float {
        let denominator = expf(min(-margin, 88.7)) + 1 + Float(1e-16)
        return 1 / denominator
    }
}
