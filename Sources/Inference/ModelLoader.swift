import JSON

/// The single entry point that turns artifact bytes into a `Model`, dispatching on the format.
public enum ModelLoader {
    /// Largest JSON nesting accepted in an artifact (XGBoost models nest about 8 deep).
    static let maxJSONDepth = 32

    public static func load(_ contents: [UInt8], format: ModelFormat) throws(ModelLoadError) -> Model {
        switch format {
        case .xgboostJSON: return try XGBoostJSONLoader.load(parseJSON(contents))
        case .riskdJSON: return try RiskdJSONLoader.load(parseJSON(contents))
        case .lightgbmText: return try LightGBMTextLoader.load(contents)
        }
    }

    static func parseJSON(_ contents: [UInt8]) throws(ModelLoadError) -> JSONValue {
        do {
            return try JSONParser(maxDepth: maxJSONDepth).parse(contents)
        } catch {
            throw ModelLoadError("invalid JSON: \(error)")
        }
    }
}

/// Turns the JSON module's decoding errors into load errors, keeping the path in the message.
func decoding<T>(_ body: () throws(JSONDecodingError) -> T) throws(ModelLoadError) -> T {
    do {
        return try body()
    } catch {
        throw ModelLoadError(error.description)
    }
}
