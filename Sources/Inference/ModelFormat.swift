/// Which on-disk format an artifact is in, so the registry can pick a loader from the file name alone
/// (file names per DESIGN.md).
public enum ModelFormat: String, Sendable, CaseIterable {
    case xgboostJSON = "xgboost-json"
    /// XGBoost's Universal Binary JSON (`Booster.save_model("model.ubj")`): the same document, binary.
    case xgboostUBJSON = "xgboost-ubj"
    case lightgbmText = "lightgbm-text"
    case riskdJSON = "riskd-json"

    /// The file name an artifact of this format has inside a model version directory.
    public var fileName: String {
        switch self {
        case .xgboostJSON: return "model.json"
        case .xgboostUBJSON: return "model.ubj"
        case .lightgbmText: return "model.txt"
        case .riskdJSON: return "model.riskd.json"
        }
    }

    public init?(fileName: String) {
        guard let format = ModelFormat.allCases.first(where: { $0.fileName == fileName }) else { return nil }
        self = format
    }
}
