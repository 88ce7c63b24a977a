import Foundation

/// The link from raw margins to the model's output, kept separate so `predictMargin` and `predict` share
/// the traversal code.
enum OutputTransform: Sendable, Equatable {
    case identity
    /// `1 / (1 + exp(-alpha * margin))`, per output.
    case sigmoid(alpha: Double)
    /// Softmax over all outputs.
    case softmax
    /// `exp(margin)`, for log-link regressions (poisson, gamma, tweedie).
    case exponential

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
        }
    }
}
