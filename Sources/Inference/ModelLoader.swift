import Foundation
import JSON

/// The single entry point that turns artifact bytes into a `Model`, dispatching on the format.
public enum ModelLoader {
    /// Largest JSON nesting accepted in an artifact (XGBoost models nest about 8 deep).
    static let maxJSONDepth = 32

    /// Loads a model. The parsed document (about 5x the artifact's size for XGBoost JSON) is freed before this
    /// returns, and the freed pages are handed back to the kernel, so a loaded 300-tree model costs its compact
    /// nodes (about 0.5 MB), not the parse's high-water mark, in resident memory.
    public static func load(_ contents: [UInt8], format: ModelFormat) throws(ModelLoadError) -> Model {
        defer { returnFreedMemory() }
        switch format {
        case .xgboostJSON: return try XGBoostJSONLoader.load(parseJSON(contents), format: format)
        case .xgboostUBJSON: return try XGBoostJSONLoader.load(parseUBJSON(contents), format: format)
        case .riskdJSON: return try RiskdJSONLoader.load(parseJSON(contents))
        case .lightgbmText: return try LightGBMTextLoader.load(contents)
        }
    }

    /// glibc's `malloc_trim(0)`, looked up at run time because the Glibc module does not export <malloc.h>.
    private static func returnFreedMemory() {
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
    }

    static func parseUBJSON(_ contents: [UInt8]) throws(ModelLoadError) -> JSONValue {
        do {
            return try UBJSONParser(maxDepth: maxJSONDepth).parse(contents)
        } catch {
            throw ModelLoadError("invalid UBJSON: \(error)")
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
