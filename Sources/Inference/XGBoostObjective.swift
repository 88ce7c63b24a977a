import Foundation

/// The supported XGBoost objectives and what they imply: the task, the output transform and how the
/// stored `base_score` becomes a margin, all in float32 as XGBoost computes them.
struct XGBoostObjective {
    let task: ModelTask
    let transform: OutputTransform
    private let baseScoreLink: BaseScoreLink

    private enum BaseScoreLink {
        case identity, logit, log
    }

    init(name: String) throws(ModelLoadError) {
        switch name {
        case "binary:logistic", "reg:logistic":
            (task, transform, baseScoreLink) = (.binaryClassification, .float32Sigmoid, .logit)
        case "binary:logitraw":
            // XGBoost predicts margins natively and stores base_score as a margin; riskd still serves the
            // probability, and `predictMargin` gives what XGBoost predicts.
            (task, transform, baseScoreLink) = (.binaryClassification, .float32Sigmoid, .identity)
        case "reg:squarederror", "reg:linear", "reg:absoluteerror", "reg:pseudohubererror":
            (task, transform, baseScoreLink) = (.regression, .identity, .identity)
        case "count:poisson", "reg:gamma", "reg:tweedie":
            (task, transform, baseScoreLink) = (.regression, .float32Exponential, .log)
        case "multi:softprob", "multi:softmax":
            (task, transform, baseScoreLink) = (.multiclass, .float32Softmax, .identity)
        default:
            throw ModelLoadError("learner.objective.name: unsupported objective \"\(name)\"")
        }
    }

    /// The margin XGBoost starts every prediction from: `ProbToMargin` of the stored base score, in float32
    /// (for logistic `-logf(1 / p - 1)`), widened to Double.
    func margin(ofBaseScore score: Double) -> Double {
        let score = Float(score)
        switch baseScoreLink {
        case .identity: return Double(score)
        case .logit: return Double(-logf(1 / score - 1))
        case .log: return Double(logf(score))
        }
    }
}
