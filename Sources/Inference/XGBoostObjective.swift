import Foundation

/// The supported XGBoost objectives and what they imply: the task, the output transform and how the
/// stored `base_score` becomes a margin.
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
            (task, transform, baseScoreLink) = (.binaryClassification, .sigmoid(alpha: 1), .logit)
        case "binary:logitraw":
            // XGBoost predicts margins natively and stores base_score as a margin; riskd still serves the
            // probability, and `predictMargin` gives what XGBoost predicts.
            (task, transform, baseScoreLink) = (.binaryClassification, .sigmoid(alpha: 1), .identity)
        case "reg:squarederror", "reg:linear", "reg:absoluteerror", "reg:pseudohubererror":
            (task, transform, baseScoreLink) = (.regression, .identity, .identity)
        case "count:poisson", "reg:gamma", "reg:tweedie":
            (task, transform, baseScoreLink) = (.regression, .exponential, .log)
        case "multi:softprob", "multi:softmax":
            (task, transform, baseScoreLink) = (.multiclass, .softmax, .identity)
        default:
            throw ModelLoadError("learner.objective.name: unsupported objective \"\(name)\"")
        }
    }

    func margin(ofBaseScore score: Double) -> Double {
        switch baseScoreLink {
        case .identity: return score
        case .logit: return -log(1 / score - 1)
        case .log: return log(score)
        }
    }
}
