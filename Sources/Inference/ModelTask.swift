/// What a model's output means, so callers know whether to read one probability, one value or K class
/// probabilities.
public enum ModelTask: String, Sendable {
    /// One output in [0, 1]: the probability of the positive class.
    case binaryClassification = "binary"
    /// One unbounded output.
    case regression = "regression"
    /// K outputs summing to 1.
    case multiclass = "multiclass"
}
